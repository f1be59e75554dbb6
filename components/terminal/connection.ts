import 'client-only';
import { ensureSession, forgetSession, socketProtocols, withCell } from '@/lib/client/session';
import type { StateUpdate } from '@/lib/docker-state';
import { CloseCode, closeReasonOf, socketPath, type SocketAddress, decodeServer, encodeClient, limits, Op, type ClientMessage, type CloseReason, type PublishedPort, type Size, type Status, type Trouble } from '@/lib/terminal-protocol';

/** Output handed to xterm but not yet drawn: above the high mark the server is asked to pause, below the low one to resume. */
export const flowHighWatermark = 1024 * 1024;
export const flowLowWatermark = 256 * 1024;

const pingIntervalMs = 20_000;
const firstRetryMs = 500;
const maxRetryMs = 10_000;
const resizeDebounceMs = 100;
/** Keystrokes kept while disconnected, so a command typed or run during a reconnect is not lost. */
const maxQueuedBytes = 64 * 1024;
const inputChunkBytes = limits.maxFrameBytes / 2;

export type ConnectionState =
  | { phase: 'connecting' }
  | { phase: 'open'; status: Status | null }
  | { phase: 'reconnecting'; reason: CloseReason | null }
  | { phase: 'closed'; reason: CloseReason | null };

export interface ConnectionEvents {
  /** A new socket is attached: the server redraws the screen, so the old one should be cleared. */
  attached(): void;
  /** Call `processed` once the bytes are on screen; that is what flow control counts. */
  output(data: Uint8Array, processed: () => void): void;
  change(state: ConnectionState): void;
  /** The ports this node publishes now, each with its preview address. */
  ports(ports: PublishedPort[]): void;
  /** A new picture of this node's Docker, while the state panel watches. */
  state(update: StateUpdate): void;
  /** What the watchdog found wrong in this node's sandbox, or that it is over. */
  trouble(trouble: Trouble): void;
}

/** Which node of the learner's lab a tab shows: `index` from 1 of `count` nodes (1 outside labs). */
export interface NodeChoice {
  index: number;
  count: number;
}

const encoder = new TextEncoder();
const sameSize = (a: Size | null, b: Size | null) => a?.cols === b?.cols && a?.rows === b?.rows;

/** Marks a moment of the page's first connection, once, for the benchmark's breakdown of the wait for a prompt. */
const markOnce = (name: string) => performance.getEntriesByName(name).length || performance.mark(name);

/** What a socket says before any view listens to it, kept in order and handed over when one does. */
class HeldEvents implements ConnectionEvents {
  private readonly held: ((events: ConnectionEvents) => void)[] = [];
  attached = () => void this.held.push((events) => events.attached());
  output = (data: Uint8Array, processed: () => void) => void this.held.push((events) => events.output(data, processed));
  change = (state: ConnectionState) => void this.held.push((events) => events.change(state));
  ports = (ports: PublishedPort[]) => void this.held.push((events) => events.ports(ports));
  state = (update: StateUpdate) => void this.held.push((events) => events.state(update));
  trouble = (trouble: Trouble) => void this.held.push((events) => events.trouble(trouble));
  handOver(events: ConnectionEvents) {
    for (const replay of this.held.splice(0)) replay(events);
  }
}

const sameShell = (a: Omit<SocketAddress, 'size'>, b: Omit<SocketAddress, 'size'>) => a.tab === b.tab && a.nodes === b.nodes && a.node === b.node && !a.watch && !b.watch;

/** One terminal tab's socket: reconnects with backoff, keeps the server's size in step, and applies flow control. */
export class TerminalConnection {
  /** The first tab's socket, opened before the terminal's code has loaded; its view takes it over. */
  private static early: { connection: TerminalConnection; held: HeldEvents } | null = null;

  /**
   * Opens the socket of the shell the terminal will show first, as soon as the page's code runs: the
   * server finds the sandbox and starts the shell at `guess` while xterm loads; the view's real size
   * follows at once. Without a guess the shell waits for the view's size.
   */
  static openEarly(address: Omit<SocketAddress, 'size'>, guess: Size | null): void {
    const held = new HeldEvents();
    const connection = new TerminalConnection(address, held);
    if (guess) {
      connection.resize(guess);
      connection.sizeGuessed = true;
    }
    TerminalConnection.early = { connection, held };
    connection.connect();
  }

  /** The early socket, if it is this view's shell: from now on its events go to `events`. */
  static adopt(address: Omit<SocketAddress, 'size'>, events: ConnectionEvents): TerminalConnection | null {
    const early = TerminalConnection.early;
    TerminalConnection.early = null;
    if (!early) return null;
    if (!sameShell(early.connection.address, address)) {
      early.connection.dispose();
      return null;
    }
    early.connection.events = events;
    early.held.handOver(events);
    return early.connection;
  }

  private socket: WebSocket | null = null;
  private state: ConnectionState = { phase: 'connecting' };
  private lastReady: Status | null = null;
  private retryMs = firstRetryMs;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  /** Nothing has arrived since the last ping. */
  private awaitingPong = false;
  private size: Size | null = null;
  private sentSize: Size | null = null;
  /** The size is the page's guess, not yet the view's: the view's first one goes at once. */
  private sizeGuessed = false;
  private unprocessed = 0;
  private paused = false;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Input goes to the server only once it says the shell is there; until then it waits in the queue. */
  private shellReady = false;
  private disposed = false;
  /** The state panel is open: asked again on every new socket. */
  private watchingState = false;

  /** `address`: a learner's tab, or an instructor's read-only view of one. */
  constructor(
    private readonly address: Omit<SocketAddress, 'size'>,
    private events: ConnectionEvents,
  ) {}

  /** Connects now, forgetting any backoff: the first connection, and the learner's "Reconnect". */
  connect(): void {
    clearTimeout(this.retryTimer);
    this.retryMs = firstRetryMs;
    this.emit({ phase: 'connecting' });
    this.attempt();
  }

  input(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    for (let start = 0; start < bytes.length; start += inputChunkBytes) {
      const chunk = bytes.subarray(start, start + inputChunkBytes);
      if (this.shellReady) this.send({ op: Op.input, data: chunk });
      else if (this.queuedBytes + chunk.length <= maxQueuedBytes) {
        this.queue.push(chunk);
        this.queuedBytes += chunk.length;
      }
    }
    // The server sees the keystroke and lifts an idle warning; clear it at once rather than after a round trip.
    if (this.state.phase === 'open' && this.state.status?.state === 'warning' && this.state.status.reason === 'idle')
      this.emit({ phase: 'open', status: this.lastReady });
  }

  resize(size: Size): void {
    this.size = { cols: clamp(size.cols, limits.maxCols), rows: clamp(size.rows, limits.maxRows) };
    clearTimeout(this.resizeTimer);
    // A socket's first size is what its shell waits for, and a view's first corrects the page's guess:
    // those go at once; later ones settle first.
    const first = !this.sentSize || this.sizeGuessed;
    this.sizeGuessed = false;
    if (first) this.sendSize();
    else this.resizeTimer = setTimeout(() => this.sendSize(), resizeDebounceMs);
  }

  /** Opens or closes the Docker-state panel's feed; a closed panel costs the sandbox nothing. */
  watchState(on: boolean): void {
    if (on === this.watchingState) return;
    this.watchingState = on;
    this.send({ op: on ? Op.watchState : Op.unwatchState });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.resizeTimer);
    this.drop();
  }

  private attempt(): void {
    ensureSession().then(
      () => this.open(),
      () => this.retry(null),
    );
  }

  private open(): void {
    if (this.disposed) return;
    this.drop();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The size rides in the address, so the shell starts at it without waiting for a first frame.
    const size = this.size;
    const path = withCell(socketPath({ ...this.address, ...(size && { size }) }));
    const socket = new WebSocket(`${scheme}://${location.host}${path}`, socketProtocols());
    socket.binaryType = 'arraybuffer';
    this.socket = socket;

    socket.onopen = () => {
      markOnce('course:socket-open');
      this.awaitingPong = false;
      this.paused = false;
      this.sentSize = size;
      this.events.attached();
      this.emit({ phase: 'open', status: null });
      this.sendSize();
      if (this.watchingState) this.send({ op: Op.watchState });
      this.pingTimer = setInterval(() => {
        // A whole interval without even a pong: the network is gone though the browser has not
        // noticed (a closed laptop lid, a dropped Wi-Fi).
        if (this.awaitingPong) {
          this.drop();
          this.retry(null);
          return;
        }
        this.awaitingPong = true;
        this.send({ op: Op.ping });
      }, pingIntervalMs);
    };

    socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
      this.awaitingPong = false;
      const message = decodeServer(new Uint8Array(event.data));
      if (message.op === Op.output) this.write(message.data);
      else if (message.op === Op.status) this.onStatus(message.status);
      else if (message.op === Op.ports) this.events.ports(message.ports);
      else if (message.op === Op.state) this.events.state(message.update);
      else if (message.op === Op.trouble) this.events.trouble(message.trouble);
    };

    socket.onclose = (event) => {
      this.drop();
      const reason = closeReasonOf(event.code);
      if (reason === 'unauthorized') forgetSession();
      // Anything that is not one of our codes is the network or a server restart: worth retrying.
      if (reason && !CloseCode[reason].retry) this.emit({ phase: 'closed', reason });
      else this.retry(reason);
    };
  }

  private onStatus(status: Status): void {
    if (status.state === 'ready') {
      markOnce('course:shell-ready');
      this.lastReady = status;
      this.retryMs = firstRetryMs;
      if (!this.shellReady) {
        this.shellReady = true;
        for (const chunk of this.queue.splice(0)) this.send({ op: Op.input, data: chunk });
        this.queuedBytes = 0;
      }
    }
    this.emit({ phase: 'open', status });
  }

  private write(data: Uint8Array): void {
    this.unprocessed += data.length;
    const fromShell = this.shellReady;
    this.events.output(data, () => {
      // The shell's first screen is in the terminal: what waits for the prompt to be up may begin.
      if (fromShell) markOnce('course:shell-drawn');
      this.unprocessed -= data.length;
      if (this.paused && this.unprocessed < flowLowWatermark) {
        this.paused = false;
        this.send({ op: Op.resume });
      }
    });
    if (!this.paused && this.unprocessed > flowHighWatermark) {
      this.paused = true;
      this.send({ op: Op.pause });
    }
  }

  private sendSize(): void {
    if (!this.size || sameSize(this.size, this.sentSize) || this.socket?.readyState !== WebSocket.OPEN) return;
    this.send({ op: Op.resize, size: this.size });
    this.sentSize = this.size;
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClient(message));
  }

  private retry(reason: CloseReason | null): void {
    if (this.disposed) return;
    this.emit({ phase: 'reconnecting', reason });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.attempt(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
  }

  /** Forgets the current socket without letting its close event start another reconnect. */
  private drop(): void {
    clearInterval(this.pingTimer);
    this.shellReady = false;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(1000);
  }

  private emit(state: ConnectionState): void {
    this.state = state;
    if (!this.disposed) this.events.change(state);
  }
}

const clamp = (n: number, max: number) => Math.min(max, Math.max(1, Math.floor(n)));
