import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { RateLimiter } from '@/lib/server/rate-limit';
import type { Engine } from '@/lib/sandbox/engine';
import { DaemonEvents } from '@/lib/sandbox/events';
import type { SandboxManager } from '@/lib/sandbox/manager';
import { PortWatches } from '@/lib/sandbox/ports';
import { StateWatches } from '@/lib/sandbox/state';
import { Watchdog } from '@/lib/sandbox/watchdog';
import { newSessionToken, sessionCookie, sessionOf } from '@/lib/server/auth';
import { createTerminalGateway } from '@/lib/terminal-gateway';
import { decodeServer, encodeClient, Op, type ServerMessage } from '@/lib/terminal-protocol';
import { config, engine as realEngine, until } from './helpers';

export const origin = 'http://course.test';

/** The terminal gateway on a server of its own, as server.ts composes it, for a manager under test. */
export async function startGateway(sandboxes: SandboxManager, engine: Engine = realEngine) {
  const events = new DaemonEvents(engine);
  const health = new Watchdog(engine, events, { instance: config.sandbox.instance, pollMs: config.sandbox.watchMs, memoryBytes: config.sandbox.memoryBytes });
  health.start();
  const gateway = createTerminalGateway({
    openShell: (...args) => engine.openShell(...args),
    sandboxes,
    ports: new PortWatches(engine, events),
    states: new StateWatches(engine, events),
    health,
    previewUrl: (id, port) => `/preview/${id}/${port}/`,
    sessionOf: (request) => sessionOf(request, config.secret),
    // An instructor's view names the learner's session here; the real server looks it up in the class.
    watchedSession: ({ classToken, member }) => (classToken === 'teacher' ? member : null),
    isAllowedOrigin: (o) => o === origin,
    connections: new RateLimiter(1000, 1000),
    clientAddress: () => 'test',
  });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/terminal`;
  return {
    gateway,
    health,
    connect: (options: ConnectOptions = {}) => connect(url, options),
    close: () => {
      gateway.close();
      health.stop();
      server.close();
    },
  };
}

export interface Client {
  ws: WebSocket;
  output: () => string;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send: (message: Parameters<typeof encodeClient>[0]) => void;
  type: (text: string) => void;
}

interface ConnectOptions {
  token?: string;
  /** The query after `tab=`: a tab name, and for labs `&nodes=…&node=…`. */
  tab?: string;
  from?: string;
  watch?: string;
  /** The terminal's size, sent as its first frame as a browser's early socket does (80x24 unless given). */
  size?: { cols: number; rows: number };
}

function connect(url: string, { token = newSessionToken(config.secret), tab = 'main', from = origin, watch = '', size = { cols: 80, rows: 24 } }: ConnectOptions): Client {
  const address = watch ? `${url.replace('/ws/terminal', '/ws/watch')}?tab=${tab}&${watch}` : `${url}?tab=${tab}`;
  const ws = new WebSocket(address, { headers: { origin: from, cookie: `${sessionCookie}=${token}` } });
  const messages: ServerMessage[] = [];
  // A refused or broken connection ends in `closed`, which the test reads.
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => messages.push(decodeServer(new Uint8Array(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const send = (message: Parameters<typeof encodeClient>[0]) => ws.send(encodeClient(message));
  if (!watch) ws.on('open', () => send({ op: Op.resize, size }));
  return {
    ws,
    messages,
    closed,
    send,
    type: (text) => send({ op: Op.input, data: new TextEncoder().encode(text) }),
    output: () => Buffer.concat(messages.flatMap((m) => (m.op === Op.output ? [Buffer.from(m.data)] : []))).toString('utf8'),
  };
}

export const ready = (client: Client, timeoutMs = 30_000) => until(() => client.messages.some((m) => m.op === Op.status && m.status.state === 'ready'), timeoutMs);

/** The shell has drawn its prompt: the terminal is usable. */
export const prompted = (client: Client) => /learner@sandbox\S*\$ /.test(client.output().replace(/\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-B])/g, ''));
