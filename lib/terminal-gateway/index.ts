import '#server-only';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { TokenBucket, type RateLimiter } from '../server/rate-limit';
import type { Engine } from '../sandbox/engine';
import { maxLabNodes, type EndReason, type SandboxManager } from '../sandbox/manager';
import type { PortWatches } from '../sandbox/ports';
import type { StateWatches } from '../sandbox/state';
import { StartFailed } from '../sandbox/supply';
import {
  CloseCode,
  decodeClient,
  encodeServer,
  limits,
  Op,
  ProtocolError,
  type CloseReason,
  type Size,
} from '../terminal-protocol';
import { StateFeed } from './state-feed';

/** Output waiting to reach the browser: above `high` the shell is paused, below `low` it resumes. */
export const watermarks = { high: 2 * 1024 * 1024, low: 512 * 1024 };

const tabPattern = /^[a-z0-9]{1,16}$/;
const portsDelayMs = 2000;
const defaultSize: Size = { cols: 80, rows: 24 };
const firstSizeWaitMs = 1_000;

export interface GatewayDeps {
  engine: Engine;
  sandboxes: SandboxManager;
  ports: PortWatches;
  /** The Docker-state panels' pictures, sharing the port watch's event stream. */
  states: StateWatches;
  /** Where the browser can see what a sandbox serves on a published port. */
  previewUrl: (containerId: string, port: number) => string;
  /** The learner's session id from the request (cookie), or null. */
  sessionOf: (request: IncomingMessage) => string | null;
  /** For an instructor's read-only view (/ws/watch): the session of the learner the query names, if the query may see it. */
  watchedSession: (query: URLSearchParams) => string | null;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  connections: RateLimiter;
  clientAddress: (request: IncomingMessage) => string;
}

/**
 * The terminal WebSocket: checks origin and session, connects the socket to the learner's shell in
 * their sandbox, and keeps both ends within limits. A bad socket is closed alone, never the server.
 * `/ws/watch` is the same shell seen read-only by the learner's instructor: it never starts a sandbox,
 * never counts as the learner's activity, and takes no input.
 */
export function createTerminalGateway(deps: GatewayDeps) {
  // An embedded lesson sends its token as a second subprotocol; the socket speaks the first, `course`.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false, handleProtocols: (protocols) => (protocols.has('course') ? 'course' : false) });
  /** Open sockets by session, then by tab: one socket per tab, so a second window replaces the first. */
  const open = new Map<string, Map<string, WebSocket>>();
  /** Read-only views by the session they watch. */
  const watchers = new Map<string, Set<WebSocket>>();

  const socketsOf = (session: string) => [...(open.get(session)?.values() ?? []), ...(watchers.get(session) ?? [])];
  const closeReasons: Record<EndReason, CloseReason> = { expired: 'expired', idle: 'expired', reset: 'sandboxGone', gone: 'sandboxGone', instructorReset: 'resetByInstructor', classEnded: 'classEnded' };

  deps.sandboxes.on('warning', (session, warning) => {
    for (const ws of socketsOf(session)) send(ws, { op: Op.status, status: { state: 'warning', ...warning } });
  });
  deps.sandboxes.on('ended', (session, reason) => {
    for (const ws of socketsOf(session)) close(ws, closeReasons[reason]);
  });

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      if (!deps.isAllowedOrigin(request.headers.origin)) return close(ws, 'forbiddenOrigin');
      if (!deps.connections.allow(deps.clientAddress(request))) return close(ws, 'rateLimited');
      const url = new URL(request.url ?? '', 'http://x');
      const query = url.searchParams;
      const watching = url.pathname === '/ws/watch';
      const session = watching ? deps.watchedSession(query) : deps.sessionOf(request);
      if (!session) return close(ws, 'unauthorized');
      const tab = query.get('tab') ?? '';
      // A lab lesson asks for all its nodes (`nodes`) and names the one this tab shows (`node`, from 1).
      const nodes = Number(query.get('nodes') ?? 1);
      const node = Number(query.get('node') ?? 1);
      const valid = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
      if (!tabPattern.test(tab) || !valid(nodes, maxLabNodes) || !valid(node, nodes)) return close(ws, 'badFrame');
      void connect(ws, session, tab, nodes, node - 1, watching);
    });
  }

  async function connect(ws: WebSocket, session: string, tabName: string, nodes: number, node: number, watching: boolean) {
    // Each node has its own shells: tab "main" of node2 is not tab "main" of node1.
    const tab = `${node + 1}/${tabName}`;
    const tabs = open.get(session) ?? new Map<string, WebSocket>();
    const viewers = watchers.get(session) ?? new Set<WebSocket>();
    if (watching) watchers.set(session, viewers.add(ws));
    else {
      open.set(session, tabs);
      const previous = tabs.get(tab);
      tabs.set(tab, ws);
      if (previous) close(previous, 'replaced');
    }
    // Set once the port watch runs: it is also what tells that it runs.
    let unwatchPorts: (() => void) | null = null;
    let startWatchingPorts = () => {};
    let portsTimer: NodeJS.Timeout | undefined;

    const aborter = new AbortController();
    let shell: Awaited<ReturnType<Engine['openShell']>> | undefined;
    // Frames that arrive while the sandbox starts are applied once the shell is there.
    let size = defaultSize;
    // A terminal sends its size as its first frame; the shell starts at it (see openShell).
    let sized: () => void = () => {};
    const firstSize = new Promise<void>((resolve) => (sized = resolve));
    const early: Buffer[] = [];
    let earlyBytes = 0;
    const messages = new TokenBucket(500, 2000);
    const resizes = new TokenBucket(10, 20);
    const stateToggles = new TokenBucket(2, 10);
    const stateFeed = new StateFeed(deps.states, (update) => send(ws, { op: Op.state, update }));
    let queuedBytes = 0;
    let pausedByServer = false;
    let pausedByClient = false;

    ws.on('close', () => {
      aborter.abort(new Error('socket closed'));
      if (tabs.get(tab) === ws) tabs.delete(tab);
      // Only the maps this socket was in: a view's `tabs`, or a map already replaced, must not take a newer one with it.
      if (!tabs.size && open.get(session) === tabs) open.delete(session);
      viewers.delete(ws);
      if (!viewers.size && watchers.get(session) === viewers) watchers.delete(session);
      shell?.stream.destroy();
      clearTimeout(portsTimer);
      unwatchPorts?.();
      stateFeed.stop();
    });

    ws.on('message', (raw: RawData, isBinary: boolean) => {
      try {
        if (!isBinary) throw new ProtocolError('text frame');
        if (!messages.take()) return close(ws, 'rateLimited');
        const message = decodeClient(toBytes(raw));
        switch (message.op) {
          case Op.input:
            // A read-only view refuses keystrokes here as well as in tmux.
            if (watching) break;
            deps.sandboxes.touch(session);
            startWatchingPorts();
            if (shell) shell.stream.write(message.data);
            // Bounded: a client typing into a sandbox that is still starting cannot grow server memory.
            else if (earlyBytes + message.data.length <= limits.maxFrameBytes) {
              early.push(Buffer.from(message.data));
              earlyBytes += message.data.length;
            }
            break;
          case Op.resize:
            if (!resizes.take()) return close(ws, 'rateLimited');
            size = message.size;
            sized();
            void shell?.resize(size).catch(() => {});
            break;
          case Op.pause:
            pausedByClient = true;
            shell?.stream.pause();
            break;
          case Op.resume:
            pausedByClient = false;
            if (!pausedByServer) shell?.stream.resume();
            break;
          case Op.ping:
            send(ws, { op: Op.pong });
            break;
          case Op.watchState:
          case Op.unwatchState:
            if (!stateToggles.take()) return close(ws, 'rateLimited');
            stateFeed.want(message.op === Op.watchState);
            break;
        }
      } catch (error) {
        close(ws, error instanceof ProtocolError && error.message === 'frame too large' ? 'tooBig' : 'badFrame');
      }
    });

    try {
      send(ws, { op: Op.status, status: { state: 'starting' } });
      const lease = watching ? deps.sandboxes.lease(session) : await deps.sandboxes.acquire(session, (wait) => send(ws, { op: Op.status, status: { state: 'queued', ...wait } }), aborter.signal, nodes);
      if (ws.readyState !== ws.OPEN) return;
      const containerId = lease?.nodes[node];
      if (!lease || !containerId) return close(ws, 'notRunning');
      if (!watching) await Promise.race([firstSize, new Promise((resolve) => setTimeout(resolve, firstSizeWaitMs))]);
      if (ws.readyState !== ws.OPEN) return;
      try {
        shell = await deps.engine.openShell(containerId, tabName, size, watching);
      } catch {
        if (watching) return close(ws, 'notRunning');
        // The container is gone or broken: the reconnect gets a fresh one. node1 is the learner's sandbox
        // itself; another lab node is replaced alone, as a failed server would be.
        await (node === 0 ? deps.sandboxes.discard(session) : deps.sandboxes.replaceNode(session, node).catch(() => {}));
        return close(ws, 'sandboxGone');
      }
      if (ws.readyState !== ws.OPEN) return shell.stream.destroy();
      const { expiresAt, idleMs } = deps.sandboxes.deadlines(lease);
      send(ws, { op: Op.status, status: { state: 'ready', expiresAt, idleTimeoutMs: idleMs } });
      for (const chunk of early.splice(0)) shell.stream.write(chunk);

      const stream = shell.stream;
      // A size that changed while the shell started is applied once tmux has drawn, and so listens for it.
      stream.once('data', () => void shell?.resize(size).catch(() => {}));
      stream.on('data', (chunk: Buffer) => {
        queuedBytes += chunk.length;
        ws.send(encodeServer({ op: Op.output, data: chunk }), () => {
          queuedBytes -= chunk.length;
          if (pausedByServer && queuedBytes < watermarks.low) {
            pausedByServer = false;
            if (!pausedByClient) stream.resume();
          }
        });
        if (!pausedByServer && queuedBytes > watermarks.high) {
          pausedByServer = true;
          stream.pause();
        }
      });
      // A view ends when the learner's shell does (or another window of the learner takes the shell over).
      stream.on('end', () => close(ws, watching ? 'notRunning' : 'sandboxGone'));
      stream.on('error', () => close(ws, watching ? 'notRunning' : 'sandboxGone'));
      if (pausedByClient) stream.pause();
      // Watching ports costs the sandbox two docker commands; they wait until the prompt is up (or the
      // learner types), so they never slow the shell's start on the sandbox's one CPU.
      const watchPorts = () => {
        if (unwatchPorts || ws.readyState !== ws.OPEN) return;
        clearTimeout(portsTimer);
        unwatchPorts = deps.ports.subscribe(containerId, (ports) =>
          send(ws, { op: Op.ports, ports: ports.map((port) => ({ port, url: deps.previewUrl(containerId, port) })) }),
        );
        stateFeed.start(containerId);
      };
      startWatchingPorts = watchPorts;
      portsTimer = setTimeout(watchPorts, portsDelayMs);
    } catch (error) {
      if (aborter.signal.aborted) return;
      console.error(`terminal: ${(error as Error).message}`);
      close(ws, error instanceof StartFailed ? 'startFailed' : 'engineError');
    }
  }

  return {
    handleUpgrade,
    /** Open sockets, for tests and shutdown. */
    get socketCount() {
      return [...open.values()].reduce((n, tabs) => n + tabs.size, 0);
    },
    close: () => wss.clients.forEach((ws) => ws.terminate()),
  };
}

function send(ws: WebSocket, message: Parameters<typeof encodeServer>[0]) {
  if (ws.readyState === ws.OPEN) ws.send(encodeServer(message));
}

function close(ws: WebSocket, reason: CloseReason) {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(CloseCode[reason].code, CloseCode[reason].en);
}

function toBytes(raw: RawData): Uint8Array {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
}

