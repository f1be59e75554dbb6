import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { Lease, Warning } from '@/lib/sandbox/manager';
import { StartFailed, type Wait } from '@/lib/sandbox/supply';
import { Backpressure, watermarks } from '@/lib/terminal-gateway/backpressure';
import { TerminalSocket, type SocketDeps } from '@/lib/terminal-gateway/socket';
import { CloseCode, decodeServer, encodeClient, limits, Op, type ClientMessage, type ServerMessage, type Size, type SocketAddress } from '@/lib/terminal-protocol';

/** The socket's browser end, as the `ws` library presents it to the server. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  readonly sent: ServerMessage[] = [];
  closedWith: number | null = null;

  send(bytes: Uint8Array, done?: () => void) {
    this.sent.push(decodeServer(bytes));
    done?.();
  }
  close(code: number) {
    if (this.readyState !== this.OPEN) return;
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
  frame(message: ClientMessage) {
    this.emit('message', Buffer.from(encodeClient(message)), true);
  }
  statuses() {
    return this.sent.flatMap((m) => (m.op === Op.status ? [m.status.state] : []));
  }
}

/** A shell that records what it is sent and can be made to print. */
class FakeShell extends Duplex {
  readonly written: string[] = [];
  readonly sizes: Size[] = [];
  paused = false;
  _read() {}
  _write(chunk: Buffer, _: string, done: () => void) {
    this.written.push(chunk.toString());
    done();
  }
  override pause() {
    this.paused = true;
    return super.pause();
  }
  override resume() {
    this.paused = false;
    return super.resume();
  }
}

const lease: Lease = { session: 'learner', nodes: ['c1'], assignedAt: 0, extendedMs: 0, lastActive: 0, warned: new Set(), used: true };
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

interface Setup {
  acquire?: () => Promise<Lease>;
  openShell?: () => Promise<never>;
  size?: Size;
  /** The warnings the learner's sandbox is under. */
  warnings?: Warning[];
  watch?: SocketAddress['watch'];
}

function setup({ acquire, openShell, size, warnings = [], watch }: Setup = {}) {
  let touches = 0;
  const ws = new FakeSocket();
  const shell = new FakeShell();
  const opened: { size: Size; readOnly: boolean }[] = [];
  let granted: (lease: Lease) => void = () => {};
  let tellWait: (wait: Wait) => void = () => {};
  const deps: SocketDeps = {
    openShell: openShell ?? (async (_id, _tab, size, readOnly = false) => {
      opened.push({ size, readOnly });
      return { stream: shell, resize: async (s: Size) => void shell.sizes.push(s) };
    }),
    sandboxes: {
      acquire: acquire ?? ((_session, onWait) => {
        tellWait = onWait!;
        return new Promise<Lease>((resolve) => (granted = resolve));
      }),
      lease: () => lease,
      touch: () => void touches++,
      deadlines: () => ({ expiresAt: 1, idleEndsAt: 1, idleMs: 1 }),
      warnings: () => warnings,
      discard: async () => {},
      replaceNode: async () => {},
    },
    ports: { subscribe: () => () => {} },
    states: { subscribe: () => () => {} },
    health: { subscribe: () => () => {} },
    previewUrl: () => '',
  };
  const socket = new TerminalSocket(ws as unknown as WebSocket, deps, 'learner', { tab: 'main', nodes: 1, node: 1, ...(size && { size }), ...(watch && { watch }) });
  const running = socket.run();
  return { ws, shell, socket, opened, running, grant: (l = lease) => granted(l), wait: (w: Wait) => tellWait(w), touches: () => touches };
}

describe('a terminal socket', () => {
  it('waits for a sandbox, telling the queue, then starts the shell at the size the browser sent and attaches', async () => {
    const { ws, socket, opened, running, grant, wait, shell } = setup();
    expect(socket.current).toBe('waitingForSandbox');
    wait({ ahead: 3, etaMs: 8000, full: false, retrying: false, engineAway: false });
    ws.frame({ op: Op.resize, size: { cols: 91, rows: 37 } });
    ws.frame({ op: Op.input, data: new TextEncoder().encode('ls\r') });
    grant();
    await running;
    expect(socket.current).toBe('attached');
    expect(ws.statuses()).toEqual(['starting', 'queued', 'ready']);
    expect(opened).toEqual([{ size: { cols: 91, rows: 37 }, readOnly: false }]);
    // Keystrokes typed while waiting reach the shell once it is there.
    expect(shell.written).toEqual(['ls\r']);
    shell.push('prompt$ ');
    await settle();
    expect(ws.sent.some((m) => m.op === Op.output && Buffer.from(m.data).toString() === 'prompt$ ')).toBe(true);
  });

  it('starts the shell at 80x24 when the browser sends no size in time', async () => {
    const { opened, running, grant } = setup();
    grant();
    await running;
    expect(opened[0]!.size).toEqual({ cols: 80, rows: 24 });
  });

  it('starts the shell at once at the size the socket’s address carries', async () => {
    const { opened, running, grant } = setup({ size: { cols: 132, rows: 43 } });
    const started = Date.now();
    grant();
    await running;
    expect(opened[0]!.size).toEqual({ cols: 132, rows: 43 });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('closes, and starts no shell, when the browser leaves while it waits', async () => {
    const { ws, socket, opened, running, grant } = setup();
    ws.close(1000);
    grant();
    await running;
    expect(socket.current).toBe('closed');
    expect(opened).toEqual([]);
  });

  it('says plainly when the sandbox could not start, and when the engine failed', async () => {
    const failed = setup({ acquire: () => Promise.reject(new StartFailed('exit code 1')) });
    await failed.running;
    expect(failed.ws.closedWith).toBe(CloseCode.startFailed.code);
    const broken = setup({ acquire: () => Promise.reject(new Error('connect ENOENT')) });
    await broken.running;
    expect(broken.ws.closedWith).toBe(CloseCode.engineError.code);
  });

  it('closes with sandboxGone when the shell cannot be opened', async () => {
    const { ws, running, grant } = setup({ openShell: () => Promise.reject(new Error('no such container')) });
    ws.frame({ op: Op.resize, size: { cols: 80, rows: 24 } });
    grant();
    await running;
    expect(ws.closedWith).toBe(CloseCode.sandboxGone.code);
  });

  it('closes itself alone on a malformed frame, a text frame or an oversized one, each with its own code', () => {
    const bad = setup();
    bad.ws.emit('message', Buffer.from([0x7f]), true);
    expect(bad.ws.closedWith).toBe(CloseCode.badFrame.code);
    const text = setup();
    text.ws.emit('message', Buffer.from('hello'), false);
    expect(text.ws.closedWith).toBe(CloseCode.badFrame.code);
    const big = setup();
    big.ws.emit('message', Buffer.alloc(limits.maxFrameBytes + 2, Op.input), true);
    expect(big.ws.closedWith).toBe(CloseCode.tooBig.code);
  });

  it('closes a socket that resizes faster than any window does', () => {
    const { ws } = setup();
    for (let i = 0; i < 30 && ws.closedWith === null; i++) ws.frame({ op: Op.resize, size: { cols: 80 + i, rows: 24 } });
    expect(ws.closedWith).toBe(CloseCode.rateLimited.code);
  });

  it('pauses the shell while the browser asks, including before the shell exists', async () => {
    const { ws, shell, running, grant } = setup({ size: { cols: 80, rows: 24 } });
    ws.frame({ op: Op.pause });
    grant();
    await running;
    expect(shell.paused).toBe(true);
    ws.frame({ op: Op.resume });
    expect(shell.paused).toBe(false);
  });
});

describe('a terminal socket and the time its sandbox has', () => {
  const size = { cols: 80, rows: 24 };

  it('counts what the learner’s shell prints as activity, at most once in a few seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { shell, running, grant, touches } = setup({ size });
      grant();
      await running;
      shell.push('Step 1/9');
      await settle();
      expect(touches()).toBe(1);
      shell.push('Step 2/9');
      await settle();
      expect(touches()).toBe(1);
      vi.setSystemTime(Date.now() + 5000);
      shell.push('Step 3/9');
      await settle();
      expect(touches()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never counts what an instructor’s read-only view shows', async () => {
    const { shell, running, touches } = setup({ size, watch: { classToken: 'class', member: 'learner' } });
    await running;
    shell.push('a build the instructor watches');
    await settle();
    expect(touches()).toBe(0);
  });

  it('tells a tab that opens during a warning about it, and shows the deadlines again when the warning is over', async () => {
    const { ws, socket, running, grant } = setup({ size, warnings: [{ reason: 'ttl', endsAt: 9, extendMs: 1800_000 }] });
    // Not attached yet: no `ready` that would let the browser think the shell is there.
    socket.renewed({ expiresAt: 2, idleEndsAt: 2, idleMs: 1 });
    grant();
    await running;
    expect(ws.sent.flatMap((m) => (m.op === Op.status ? [m.status] : []))).toEqual([
      { state: 'starting' },
      { state: 'ready', expiresAt: 1, idleTimeoutMs: 1 },
      { state: 'warning', reason: 'ttl', endsAt: 9, extendMs: 1800_000 },
    ]);
    socket.renewed({ expiresAt: 2, idleEndsAt: 2, idleMs: 1 });
    expect(ws.sent.at(-1)).toEqual({ op: Op.status, status: { state: 'ready', expiresAt: 2, idleTimeoutMs: 1 } });
  });
});

describe('backpressure', () => {
  it('pauses above the high watermark, resumes below the low one, and honours the browser too', () => {
    const stream = { paused: false, pause() { this.paused = true; }, resume() { this.paused = false; } };
    const flow = new Backpressure();
    flow.attach(stream);
    flow.queued(watermarks.high + 1);
    expect(stream.paused).toBe(true);
    flow.sent(watermarks.high + 1 - watermarks.low);
    expect(stream.paused).toBe(true);
    flow.sent(1);
    expect(stream.paused).toBe(false);
    flow.browserPaused(true);
    flow.queued(watermarks.high + 1);
    flow.sent(watermarks.high + 1);
    expect(stream.paused).toBe(true);
    flow.browserPaused(false);
    expect(stream.paused).toBe(false);
  });
});
