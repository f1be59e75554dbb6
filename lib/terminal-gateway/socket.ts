import '#server-only';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { en } from '../i18n/en';
import type { Engine } from '../sandbox/engine';
import type { Deadlines, EndReason, Lease, SandboxManager } from '../sandbox/manager';
import type { PortWatches } from '../sandbox/ports';
import type { StateWatches } from '../sandbox/state';
import type { Watchdog } from '../sandbox/watchdog';
import { StartFailed } from '../sandbox/supply';
import { learnerId, log } from '../server/log';
import type { Metrics } from '../server/metrics';
import { TokenBucket } from '../server/rate-limit';
import { CloseCode, decodeClient, encodeServer, FrameTooLarge, limits, Op, ProtocolError, type ClientMessage, type CloseReason, type ServerMessage, type SocketAddress, type Size } from '../terminal-protocol';
import { Backpressure } from './backpressure';
import { StateFeed } from './state-feed';

/** What one socket needs of the server: its sandboxes, their shells, and the watches of their Docker. */
export interface SocketDeps {
  openShell: Engine['openShell'];
  sandboxes: Pick<SandboxManager, 'acquire' | 'lease' | 'touch' | 'deadlines' | 'warnings' | 'discard' | 'replaceNode'>;
  ports: Pick<PortWatches, 'subscribe'>;
  states: Pick<StateWatches, 'subscribe'>;
  /** What the watchdog finds wrong in the sandbox: told to the learner with the way out. */
  health: Pick<Watchdog, 'subscribe'>;
  /** Where the browser can see what a sandbox serves on a published port. */
  previewUrl: (containerId: string, port: number) => string;
  /** Counts what terminals print, for the operators. */
  metrics?: Pick<Metrics, 'terminalOutput'>;
  /** On a course of several cells: whether the learner's last sandbox was on a cell that lost it (told once per new sandbox). */
  movedHere?: (session: string) => Promise<boolean>;
}

type Shell = Awaited<ReturnType<Engine['openShell']>>;

/** Where a socket is: it waits for the learner's sandbox, then for its shell, then carries the shell until it closes. */
export type SocketState =
  | { name: 'waitingForSandbox' }
  | { name: 'startingShell'; containerId: string }
  | { name: 'attached'; containerId: string; shell: Shell }
  | { name: 'closed' };

const defaultSize: Size = { cols: 80, rows: 24 };
/**
 * A terminal gives its size in its address or as its first frame, and the shell starts at it (see
 * Engine.openShell). A page's early socket sends it once the terminal's code has loaded, which can take
 * a few seconds on a slow machine; a client that never sends one gets 80x24 after this.
 */
const firstSizeWaitMs = 5_000;
/** Watching ports costs the sandbox two docker commands: they wait until the prompt is up, or the learner types. */
const portsDelayMs = 2000;
/** A shell that prints (a build, `docker logs -f`) keeps the learner from counting as idle; telling the manager once in a while is enough. */
const outputActivityMs = 5000;

/** Every rate a socket is held to, in one place. */
class SocketLimits {
  readonly messages = new TokenBucket(500, 2000);
  readonly resizes = new TokenBucket(10, 20);
  readonly stateToggles = new TokenBucket(2, 10);
}

/** Keystrokes typed while the sandbox starts, bounded so that they cannot grow server memory. */
class EarlyInput {
  private chunks: Buffer[] = [];
  private bytes = 0;

  add(data: Uint8Array): void {
    if (this.bytes + data.length > limits.maxFrameBytes) return;
    this.chunks.push(Buffer.from(data));
    this.bytes += data.length;
  }

  drainInto(stream: Duplex): void {
    for (const chunk of this.chunks.splice(0)) stream.write(chunk);
    this.bytes = 0;
  }
}

const closeReasons: Record<EndReason, CloseReason> = { expired: 'expired', idle: 'expired', reset: 'sandboxGone', gone: 'sandboxGone', instructorReset: 'resetByInstructor', classEnded: 'classEnded' };

/**
 * One terminal socket: a learner's tab (or an instructor's read-only view of one) joined to its shell in
 * the sandbox, within limits both ways. A malformed or abusive frame closes this socket alone.
 */
export class TerminalSocket {
  private state: SocketState = { name: 'waitingForSandbox' };
  private size = defaultSize;
  private sized = () => {};
  private readonly firstSize = new Promise<void>((resolve) => (this.sized = resolve));
  private readonly early = new EarlyInput();
  private readonly limits = new SocketLimits();
  private readonly flow = new Backpressure();
  private readonly aborter = new AbortController();
  private readonly stateFeed: StateFeed;
  private portsTimer: NodeJS.Timeout | undefined;
  private unwatchPorts: (() => void) | null = null;
  private unwatchHealth: (() => void) | null = null;
  private lastOutputActivity = -Infinity;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SocketDeps,
    readonly session: string,
    readonly address: SocketAddress,
  ) {
    this.stateFeed = new StateFeed(deps.states, (update) => this.send({ op: Op.state, update }));
    if (address.size) this.resized(address.size);
    ws.on('close', () => this.closed());
    ws.on('message', (raw: RawData, isBinary: boolean) => this.receive(raw, isBinary));
  }

  private get isClosed(): boolean {
    return this.state.name === 'closed';
  }

  get watching(): boolean {
    return this.address.watch !== undefined;
  }

  /** The socket's state, for tests. */
  get current(): SocketState['name'] {
    return this.state.name;
  }

  /** Finds the learner's sandbox, starts the shell, and carries it; every failure closes with a reason. */
  async run(): Promise<void> {
    try {
      this.send({ op: Op.status, status: { state: 'starting' } });
      const lease = this.watching
        ? this.deps.sandboxes.lease(this.session)
        : await this.deps.sandboxes.acquire(this.session, (wait) => this.send({ op: Op.status, status: { state: 'queued', ...wait } }), this.aborter.signal, this.address.nodes);
      if (this.isClosed) return;
      const containerId = lease?.nodes[this.address.node - 1];
      if (!lease || !containerId) return this.close('notRunning');
      this.state = { name: 'startingShell', containerId };
      // The shell (or the tmux client that attaches to one already running) starts at the terminal's size:
      // a resize that reaches tmux before it listens for SIGWINCH is lost, and the shell would stay 80x24.
      if (!this.watching) await Promise.race([this.firstSize, new Promise((resolve) => setTimeout(resolve, firstSizeWaitMs))]);
      if (this.isClosed) return;
      const shell = await this.openShell(containerId);
      if (!shell) return;
      if (this.isClosed) {
        shell.stream.destroy();
        return;
      }
      this.attach(shell, containerId, lease);
    } catch (error) {
      if (this.aborter.signal.aborted) return;
      log.error('terminal.failed', { learner: learnerId(this.session), error });
      this.close(error instanceof StartFailed ? 'startFailed' : 'engineError');
    }
  }

  /** Says why the socket ends, and ends it. */
  close(reason: CloseReason): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(CloseCode[reason].code, en.terminal.closeReasons[reason]);
  }

  /** The learner's sandbox ended: the socket says why. */
  ended(reason: EndReason): void {
    this.close(closeReasons[reason]);
  }

  /** The sandbox's warnings are over (more time, or the learner came back): the tab shows its deadlines again. */
  renewed({ expiresAt, idleMs }: Deadlines): void {
    if (this.state.name === 'attached') this.send({ op: Op.status, status: { state: 'ready', expiresAt, idleTimeoutMs: idleMs } });
  }

  send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeServer(message));
  }

  private async openShell(containerId: string): Promise<Shell | null> {
    try {
      return await this.deps.openShell(containerId, this.address.tab, this.size, this.watching);
    } catch {
      if (this.watching) return this.close('notRunning'), null;
      // The container is gone or broken: the reconnect gets a fresh one. node1 is the learner's sandbox
      // itself; another lab node is replaced alone, as a failed server would be.
      const index = this.address.node - 1;
      await (index === 0 ? this.deps.sandboxes.discard(this.session) : this.deps.sandboxes.replaceNode(this.session, index).catch(() => {}));
      this.close('sandboxGone');
      return null;
    }
  }

  private attach(shell: Shell, containerId: string, lease: Lease): void {
    this.state = { name: 'attached', containerId, shell };
    const { expiresAt, idleMs } = this.deps.sandboxes.deadlines(lease);
    this.send({ op: Op.status, status: { state: 'ready', expiresAt, idleTimeoutMs: idleMs } });
    // A tab opened after a warning was given shows it too, with its "Add time" button.
    for (const warning of this.deps.sandboxes.warnings(lease)) this.send({ op: Op.status, status: { state: 'warning', ...warning } });
    if (!this.watching) void this.deps.movedHere?.(this.session).then((moved) => moved && this.send({ op: Op.trouble, trouble: { kind: 'moved', active: true } }), () => {});
    this.early.drainInto(shell.stream);
    const { stream } = shell;
    // A size that changed while the shell started is applied once tmux has drawn, and so listens for it.
    stream.once('data', () => void shell.resize(this.size).catch(() => {}));
    stream.on('data', (chunk: Buffer) => {
      this.outputActivity();
      this.flow.queued(chunk.length);
      this.deps.metrics?.terminalOutput(chunk.length);
      this.ws.send(encodeServer({ op: Op.output, data: chunk }), () => this.flow.sent(chunk.length));
    });
    // A view ends when the learner's shell does (or another window of the learner takes the shell over).
    const gone = () => this.close(this.watching ? 'notRunning' : 'sandboxGone');
    stream.on('end', gone);
    stream.on('error', gone);
    this.flow.attach(stream);
    this.portsTimer = setTimeout(() => this.watchDocker(), portsDelayMs);
  }

  /** What a learner's shell prints counts as activity; what an instructor's view shows does not. */
  private outputActivity(): void {
    if (this.watching) return;
    const now = Date.now();
    if (now - this.lastOutputActivity < outputActivityMs) return;
    this.lastOutputActivity = now;
    this.deps.sandboxes.touch(this.session);
  }

  /** Ports, the state panel and the watchdog follow the node's Docker once the prompt is up or the learner types. */
  private watchDocker(): void {
    if (this.state.name !== 'attached' || this.unwatchPorts) return;
    clearTimeout(this.portsTimer);
    const { containerId } = this.state;
    this.unwatchPorts = this.deps.ports.subscribe(containerId, (ports) =>
      this.send({ op: Op.ports, ports: ports.map((port) => ({ port, url: this.deps.previewUrl(containerId, port) })) }),
    );
    this.stateFeed.start(containerId);
    this.unwatchHealth = this.deps.health.subscribe(containerId, (trouble) => this.send({ op: Op.trouble, trouble }));
  }

  private receive(raw: RawData, isBinary: boolean): void {
    try {
      if (!isBinary) throw new ProtocolError('text frame');
      if (!this.limits.messages.take()) return this.close('rateLimited');
      this.handle(decodeClient(toBytes(raw)));
    } catch (error) {
      this.close(error instanceof FrameTooLarge ? 'tooBig' : 'badFrame');
    }
  }

  private handle(message: ClientMessage): void {
    switch (message.op) {
      case Op.input:
        // A read-only view refuses keystrokes here as well as in tmux.
        if (this.watching) return;
        this.deps.sandboxes.touch(this.session);
        if (this.state.name !== 'attached') return this.early.add(message.data);
        this.state.shell.stream.write(message.data);
        return this.watchDocker();
      case Op.resize:
        if (!this.limits.resizes.take()) return this.close('rateLimited');
        return this.resized(message.size);
      case Op.pause:
      case Op.resume:
        return this.flow.browserPaused(message.op === Op.pause);
      case Op.ping:
        return this.send({ op: Op.pong });
      case Op.watchState:
      case Op.unwatchState:
        if (!this.limits.stateToggles.take()) return this.close('rateLimited');
        return this.stateFeed.want(message.op === Op.watchState);
    }
  }

  private resized(size: Size): void {
    this.size = size;
    this.sized();
    if (this.state.name === 'attached') void this.state.shell.resize(size).catch(() => {});
  }

  private closed(): void {
    this.aborter.abort(new Error('socket closed'));
    if (this.state.name === 'attached') this.state.shell.stream.destroy();
    this.state = { name: 'closed' };
    clearTimeout(this.portsTimer);
    this.unwatchPorts?.();
    this.unwatchHealth?.();
    this.stateFeed.stop();
  }
}

function toBytes(raw: RawData): Uint8Array {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
}
