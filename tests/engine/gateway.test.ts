import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newSessionToken } from '@/lib/server/auth';
import { watermarks } from '@/lib/terminal-gateway';
import { CloseCode, limits, Op } from '@/lib/terminal-protocol';
import { config, manager, removeAllSandboxes, sh, until } from './helpers';
import { ready, startGateway } from './terminal-harness';

const sandboxes = manager({ poolSize: 1 });
let harness: Awaited<ReturnType<typeof startGateway>>;
const connect = (...args: Parameters<typeof harness.connect>) => harness.connect(...args);

beforeAll(async () => {
  await removeAllSandboxes();
  await sandboxes.start();
  harness = await startGateway(sandboxes);
});

afterAll(async () => {
  harness.close();
  sandboxes.stop();
  await removeAllSandboxes();
});

describe('terminal gateway', () => {
  it('refuses a socket from a foreign Origin before touching any sandbox', async () => {
    const before = sandboxes.counts.leased;
    const client = connect({ from: 'http://evil.test' });
    expect((await client.closed).code).toBe(CloseCode.forbiddenOrigin.code);
    expect(sandboxes.counts.leased).toBe(before);
  });

  it('refuses a missing or forged session token', async () => {
    expect((await connect({ token: 'nope' }).closed).code).toBe(CloseCode.unauthorized.code);
    const forged = newSessionToken(Buffer.from('not the server secret'));
    expect((await connect({ token: forged }).closed).code).toBe(CloseCode.unauthorized.code);
  });

  it('refuses a lab larger than any lesson asks for, or a node outside the lab', async () => {
    const before = sandboxes.counts.leased;
    for (const tab of ['main&nodes=4', 'main&nodes=3&node=4', 'main&node=2', 'main&nodes=1.5', 'main&nodes=x'])
      expect((await connect({ tab }).closed).code, tab).toBe(CloseCode.badFrame.code);
    expect(sandboxes.counts.leased).toBe(before);
  });

  it('tells the terminal which ports its sandbox publishes, as they come and go', async () => {
    const token = newSessionToken(config.secret);
    const client = connect({ tab: 'ports', token });
    await ready(client);
    const lastPorts = () => client.messages.filter((m) => m.op === Op.ports).at(-1);
    client.type('docker run -d --name published -p 8081:80 nginx\r');
    await until(() => {
      const last = lastPorts();
      return last?.op === Op.ports && last.ports.some((p) => p.port === 8081 && p.url.endsWith('/8081/'));
    }, 60_000);
    client.type('docker rm -f published\r');
    await until(() => {
      const last = lastPorts();
      return last?.op === Op.ports && last.ports.length === 0;
    });
    // The event stream behind it ends with the last socket, leaving nothing running in the sandbox.
    const id = sandboxes.lease(token.split('.')[0]!)!.nodes[0]!;
    client.ws.close();
    await until(async () => (await sh(id, 'pgrep -f "docker event[s]" || true')).stdout.trim() === '');
  });

  it('connects a valid session to a shell in its sandbox', async () => {
    const client = connect();
    await ready(client);
    client.type('echo gateway-$((6*7))\r');
    await until(() => client.output().includes('gateway-42'));
    // A resize travels beside the keystrokes, as in any terminal: ask until the shell has it.
    client.send({ op: Op.resize, size: { cols: 100, rows: 30 } });
    await until(async () => {
      client.type('stty size\r');
      await new Promise((r) => setTimeout(r, 300));
      return client.output().includes('30 100');
    });
    client.ws.close();
  });

  it('starts each shell at the size the terminal sent while its sandbox was starting', async () => {
    // Lost half the time when the size came as a resize after tmux started: try several new shells.
    const token = newSessionToken(config.secret);
    for (const tab of ['size1', 'size2', 'size3', 'size4']) {
      const client = connect({ token, tab, size: { cols: 91, rows: 37 } });
      await ready(client);
      const answer = () => /^(\d+ \d+)\r?$/m.exec(client.output())?.[1];
      client.type('stty size\r');
      await until(() => answer() !== undefined);
      expect(answer(), tab).toBe('37 91');
      client.ws.close();
    }
  });

  it('gives the first tab, whose shell the sandbox started before anyone came, the terminal’s size', async () => {
    for (const size of [{ cols: 91, rows: 37 }, { cols: 133, rows: 41 }, { cols: 72, rows: 20 }]) {
      const client = connect({ token: newSessionToken(config.secret), size });
      await ready(client);
      const answer = () => /^(\d+ \d+)\r?$/m.exec(client.output())?.[1];
      await until(async () => {
        client.type('stty size\r');
        await new Promise((r) => setTimeout(r, 300));
        return answer() !== undefined;
      });
      expect(answer()).toBe(`${size.rows} ${size.cols}`);
      client.ws.close();
    }
  });

  it('closes only the socket that sends a malformed or oversized frame', async () => {
    const token = newSessionToken(config.secret);
    const good = connect({ token, tab: 'good' });
    await ready(good);
    const bad = connect({ token, tab: 'bad' });
    await ready(bad);
    bad.ws.send(new Uint8Array([0x7f, 1, 2]));
    expect((await bad.closed).code).toBe(CloseCode.badFrame.code);
    const big = connect({ token, tab: 'big' });
    await ready(big);
    big.ws.send(new Uint8Array(limits.maxFrameBytes + 10).fill(Op.input, 0, 1));
    expect((await big.closed).code).toBe(1009);
    good.type('echo still-here\r');
    await until(() => good.output().includes('still-here'));
    good.ws.close();
  });

  it('a second window on the same tab replaces the first, and the shell keeps its state', async () => {
    const token = newSessionToken(config.secret);
    const first = connect({ token });
    await ready(first);
    first.type('export REMEMBER=me\r');
    await until(() => first.output().includes('REMEMBER=me'));
    const second = connect({ token });
    expect((await first.closed).code).toBe(CloseCode.replaced.code);
    await ready(second);
    second.type('echo "value=$REMEMBER"\r');
    await until(() => second.output().includes('value=me'));
    second.ws.close();
  });

  it('keeps server memory bounded while a reader does not keep up with an output flood', async () => {
    const client = connect();
    await ready(client);
    client.type('yes flood-flood-flood-flood-flood-flood\r');
    await until(() => client.output().includes('flood-flood'));
    // Stop reading: TCP fills, sends stop completing, the gateway must pause the shell. `yes` writes
    // well over 100 MB/s, so without backpressure memory would grow by hundreds of MB here.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await new Promise((r) => setTimeout(r, 500));
    const start = process.memoryUsage().rss;
    let peak = start;
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 100));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(peak - start).toBeLessThan(watermarks.high * 16);
    client.ws.terminate();
  });

  it('shows an instructor the learner’s shell live, read-only, without a sandbox of its own', async () => {
    const token = newSessionToken(config.secret);
    const session = token.split('.')[0]!;
    const stranger = connect({ watch: `class=someone-else&member=${session}` });
    expect((await stranger.closed).code).toBe(CloseCode.unauthorized.code);
    const early = connect({ watch: `class=teacher&member=${session}` });
    expect((await early.closed).code).toBe(CloseCode.notRunning.code);
    expect(sandboxes.lease(session)).toBeUndefined();

    const learner = connect({ token });
    await ready(learner);
    // The view attaches to the learner's tmux session, there once their shell has answered.
    learner.type('echo up-$((1+1))\r');
    await until(() => learner.output().includes('up-2'));
    const viewer = connect({ watch: `class=teacher&member=${session}` });
    await ready(viewer);
    learner.type('echo typed-by-the-$((6*7))-learner\r');
    await until(() => viewer.output().includes('typed-by-the-42-learner'));
    viewer.type('touch /tmp/from-the-viewer\r');
    await new Promise((r) => setTimeout(r, 500));
    learner.type('test -e /tmp/from-the-viewer && echo viewer-$((2+3))-typed || echo viewer-$((1+1))-refused\r');
    await until(() => /viewer-(5-typed|2-refused)/.test(learner.output()));
    expect(learner.output()).toContain('viewer-2-refused');
    expect(viewer.ws.readyState).toBe(WebSocket.OPEN);
    learner.ws.close();
    viewer.ws.close();
  });
});
