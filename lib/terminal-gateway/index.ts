import '#server-only';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { en } from '../i18n/en';
import type { SandboxManager } from '../sandbox/manager';
import { log } from '../server/log';
import type { RateLimiter } from '../server/rate-limit';
import { CloseCode, limits, Op, parseSocketPath, socketProtocol, type CloseReason, type SocketAddress } from '../terminal-protocol';
import { TerminalSocket, type SocketDeps } from './socket';

export { watermarks } from './backpressure';

export interface GatewayDeps extends SocketDeps {
  sandboxes: SocketDeps['sandboxes'] & Pick<SandboxManager, 'on'>;
  /** The learner's session id from the request (cookie), or null. */
  sessionOf: (request: IncomingMessage) => string | null;
  /** For an instructor's read-only view: the session of the learner it names, if its class token may see it. */
  watchedSession: (watch: NonNullable<SocketAddress['watch']>) => Promise<string | null> | string | null;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  connections: RateLimiter;
  clientAddress: (request: IncomingMessage) => string;
}

/**
 * The terminal WebSocket's front door: it checks origin, rate and session, keeps the registry of open
 * sockets, and hands each socket to a TerminalSocket, which joins it to its shell. The read-only view of
 * an instructor never starts a sandbox, never counts as the learner's activity, and takes no input.
 */
export function createTerminalGateway(deps: GatewayDeps) {
  // An embedded lesson sends its token as a second subprotocol; the socket speaks the first.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(socketProtocol) ? socketProtocol : false),
  });
  const registry = new SocketRegistry();

  deps.sandboxes.on('warning', (session, warning) => {
    for (const socket of registry.of(session)) socket.send({ op: Op.status, status: { state: 'warning', ...warning } });
  });
  deps.sandboxes.on('renewed', (session, deadlines) => {
    for (const socket of registry.of(session)) socket.renewed(deadlines);
  });
  deps.sandboxes.on('ended', (session, reason) => {
    for (const socket of registry.of(session)) socket.ended(reason);
  });

  function handleUpgrade(request: IncomingMessage, upgrade: Duplex, head: Buffer) {
    wss.handleUpgrade(request, upgrade, head, async (ws) => {
      ws.on('error', () => ws.terminate());
      if (!deps.isAllowedOrigin(request.headers.origin)) return refuse(ws, 'forbiddenOrigin');
      if (!deps.connections.allow(deps.clientAddress(request))) return refuse(ws, 'rateLimited');
      const address = parseSocketPath(request.url ?? '');
      if (!address) return refuse(ws, 'badFrame');
      // A watched learner is looked up in the store; frames that come meanwhile wait for the socket's reader.
      ws.pause();
      let session: string | null;
      try {
        session = address.watch ? await deps.watchedSession(address.watch) : deps.sessionOf(request);
      } catch (error) {
        log.error('terminal.watch.failed', { error });
        ws.resume();
        return refuse(ws, 'engineError');
      }
      ws.resume();
      if (!session) return refuse(ws, 'unauthorized');
      const socket = new TerminalSocket(ws, deps, session, address);
      registry.add(socket);
      ws.on('close', () => registry.remove(socket));
      void socket.run();
    });
  }

  return {
    handleUpgrade,
    /** Open learners' sockets, for tests and shutdown. */
    get socketCount() {
      return registry.learnerSockets;
    },
    /** Every open socket, views included, for the operators' metrics. */
    get openSockets() {
      return wss.clients.size;
    },
    close: () => wss.clients.forEach((ws) => ws.terminate()),
  };
}

/**
 * Open sockets by session: one per learner's tab (each node has its own tabs), so a second window on
 * a tab replaces the first; and the read-only views of that learner.
 */
class SocketRegistry {
  private readonly tabs = new Map<string, Map<string, TerminalSocket>>();
  private readonly views = new Map<string, Set<TerminalSocket>>();

  add(socket: TerminalSocket): void {
    if (socket.watching) return void this.views.set(socket.session, (this.views.get(socket.session) ?? new Set()).add(socket));
    const tabs = this.tabs.get(socket.session) ?? new Map<string, TerminalSocket>();
    this.tabs.set(socket.session, tabs);
    const key = tabKey(socket.address);
    tabs.get(key)?.close('replaced');
    tabs.set(key, socket);
  }

  remove(socket: TerminalSocket): void {
    const tabs = this.tabs.get(socket.session);
    const key = tabKey(socket.address);
    // Only this socket: a window that replaced it keeps its place.
    if (tabs?.get(key) === socket) tabs.delete(key);
    if (tabs && !tabs.size) this.tabs.delete(socket.session);
    const views = this.views.get(socket.session);
    views?.delete(socket);
    if (views && !views.size) this.views.delete(socket.session);
  }

  of(session: string): TerminalSocket[] {
    return [...(this.tabs.get(session)?.values() ?? []), ...(this.views.get(session) ?? [])];
  }

  get learnerSockets(): number {
    return [...this.tabs.values()].reduce((n, tabs) => n + tabs.size, 0);
  }
}

const tabKey = ({ node, tab }: SocketAddress) => `${node}/${tab}`;

function refuse(ws: WebSocket, reason: CloseReason) {
  ws.close(CloseCode[reason].code, en.terminal.closeReasons[reason]);
}
