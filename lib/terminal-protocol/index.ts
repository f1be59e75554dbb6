/**
 * The terminal WebSocket protocol, used by both the browser and the server.
 * Every message is one binary frame: a one-byte opcode, then the payload.
 * Keystrokes and output are raw bytes; everything else is a small JSON object.
 */
import type { StateUpdate } from '../docker-state';

export const Op = {
  // browser → server
  input: 0x01,
  resize: 0x02,
  pause: 0x03,
  resume: 0x04,
  ping: 0x05,
  // The Docker-state panel: open, it asks for the picture of the tab's node; collapsed, it costs nothing.
  watchState: 0x0a,
  unwatchState: 0x0b,
  // server → browser
  output: 0x11,
  status: 0x12,
  pong: 0x13,
  ports: 0x14,
  trouble: 0x15,
  state: 0x1a,
} as const;

export interface Size {
  cols: number;
  rows: number;
}

/** Where terminals connect: a learner's own tab, and an instructor's read-only view of a learner's tab. */
export const socketPaths = { terminal: '/ws/terminal', watch: '/ws/watch' } as const;
/** The subprotocol the socket speaks; an embedded lesson adds its session token as a second one. */
export const socketProtocol = 'course';
export const tokenProtocolPrefix = 'course-token.';
/** Tab names a page may choose: they name tmux sessions in the sandbox. */
export const tabNamePattern = /^[a-z0-9]{1,16}$/;
/** Every terminal's first tab: its shell is started with the sandbox, so the first prompt is already there. */
export const firstTab = 'main';
/** The largest lab a lesson can ask for (the Swarm module's: one manager, two workers). */
export const maxLabNodes = 3;
/** Nodes are called node1, node2, …: hostnames, lab network names and terminal tab names at once. */
export const nodeName = (index: number) => `node${index + 1}`;

/** What a terminal socket connects to. */
export interface SocketAddress {
  tab: string;
  /** The nodes of the learner's lab (1 outside labs), and the one this tab shows, counted from 1. */
  nodes: number;
  node: number;
  /** An instructor's read-only view: their class token and the member id of the learner watched. */
  /** An instructor's read-only view of a member's terminal; `cell` leads HAProxy to the member's cell. */
  watch?: { classToken: string; member: string; cell?: string | null };
  /** The terminal's size when the page knows it before connecting: the shell starts at it without waiting for a frame. */
  size?: Size;
}

export function socketPath({ tab, nodes, node, watch, size }: SocketAddress): string {
  const query = new URLSearchParams({ tab, nodes: String(nodes), node: String(node) });
  if (size) {
    query.set('cols', String(size.cols));
    query.set('rows', String(size.rows));
  }
  if (watch) {
    query.set('class', watch.classToken);
    query.set('member', watch.member);
    if (watch.cell) query.set('cell', watch.cell);
  }
  return `${watch ? socketPaths.watch : socketPaths.terminal}?${query}`;
}

/** The address a socket's URL asks for, or null when it is not a valid one. */
export function parseSocketPath(url: string): SocketAddress | null {
  const { pathname, searchParams: query } = new URL(url, 'http://socket');
  if (pathname !== socketPaths.terminal && pathname !== socketPaths.watch) return null;
  const tab = query.get('tab') ?? '';
  const nodes = Number(query.get('nodes') ?? 1);
  const node = Number(query.get('node') ?? 1);
  const valid = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!tabNamePattern.test(tab) || !valid(nodes, maxLabNodes) || !valid(node, nodes)) return null;
  const size = query.has('cols') || query.has('rows') ? { cols: Number(query.get('cols')), rows: Number(query.get('rows')) } : undefined;
  if (size && !(valid(size.cols, limits.maxCols) && valid(size.rows, limits.maxRows))) return null;
  const address: SocketAddress = { tab, nodes, node, ...(size && { size }) };
  if (pathname === socketPaths.watch) address.watch = { classToken: query.get('class') ?? '', member: query.get('member') ?? '' };
  return address;
}

/** What the learner's sandbox is doing, shown in the terminal's status line. */
export type Status =
  | { state: 'starting' }
  /**
   * Waiting for a sandbox: how many learners come first, about how long (null while every place is taken),
   * whether a failed start is being replaced, and whether the sandbox engine is away.
   */
  | { state: 'queued'; ahead: number; etaMs: number | null; full: boolean; retrying: boolean; engineAway: boolean }
  | { state: 'ready'; expiresAt: number; idleTimeoutMs: number }
  /** `ready` again means the warning is over. A time-limit warning says what asking for more time would add (0: no more). */
  | { state: 'warning'; reason: 'idle'; endsAt: number }
  | { state: 'warning'; reason: 'ttl'; endsAt: number; extendMs: number }
  | { state: 'resetting' };

/**
 * Something wrong in the node's sandbox that the learner should hear of (the watchdog's findings): which
 * limit was hit, and whether it still is. An out-of-memory kill is an event: it is told once, as active.
 */
export type Trouble =
  | { kind: 'processes'; active: boolean; limit: number }
  | { kind: 'memory'; active: boolean; limitBytes: number }
  | { kind: 'disk'; active: boolean; full: DiskArea[]; usage: DiskUsage | null }
  | { kind: 'daemon'; active: boolean }
  /** The learner's sandbox was on another cell of the course, which stopped: the one they have now is new. */
  | { kind: 'moved'; active: boolean };
export type TroubleKind = Trouble['kind'];
/** The sandbox's size-limited disks the learner writes to: their home folder, Docker's data, and /tmp. */
export type DiskArea = 'home' | 'docker' | 'tmp';
/** What takes the space of a full disk: Docker's own summary, and the biggest folders of the learner's. */
export interface DiskUsage {
  docker: { type: string; size: string; reclaimable: string }[];
  folders: { path: string; kib: number }[];
}
/** The ways out the watchdog offers, asked for at /api/sandbox/rescue. */
export const rescues = ['stopRunaway', 'prune', 'restartDaemon'] as const;
export type Rescue = (typeof rescues)[number];

/** A port the node's containers publish, and where the browser can see what it serves. */
export interface PublishedPort {
  port: number;
  url: string;
}

export type ClientMessage =
  | { op: typeof Op.input; data: Uint8Array }
  | { op: typeof Op.resize; size: Size }
  | { op: typeof Op.pause }
  | { op: typeof Op.resume }
  | { op: typeof Op.ping }
  | { op: typeof Op.watchState }
  | { op: typeof Op.unwatchState };

export type ServerMessage =
  | { op: typeof Op.output; data: Uint8Array }
  | { op: typeof Op.status; status: Status }
  | { op: typeof Op.ports; ports: PublishedPort[] }
  | { op: typeof Op.trouble; trouble: Trouble }
  | { op: typeof Op.state; update: StateUpdate }
  | { op: typeof Op.pong };

/** Limits both ends agree on; the server enforces them. */
export const limits = {
  maxFrameBytes: 64 * 1024,
  maxCols: 500,
  maxRows: 200,
};

/**
 * Close codes: 4000-4999 are ours; the browser may reconnect after the ones marked `retry`. What the
 * terminal says for each is in lib/i18n (terminal.closeReasons).
 */
export const CloseCode = {
  badFrame: { code: 4000, retry: false },
  unauthorized: { code: 4001, retry: false },
  forbiddenOrigin: { code: 4003, retry: false },
  sandboxGone: { code: 4004, retry: true },
  expired: { code: 4005, retry: false },
  replaced: { code: 4006, retry: false },
  rateLimited: { code: 4008, retry: true },
  tooBig: { code: 4009, retry: true },
  startFailed: { code: 4015, retry: false },
  engineError: { code: 4011, retry: true },
  resetByInstructor: { code: 4012, retry: true },
  classEnded: { code: 4013, retry: false },
  // Read-only views of a learner's terminal, for their instructor: tried again, so the view comes back with the learner.
  notRunning: { code: 4014, retry: true },
} as const;

export type CloseReason = keyof typeof CloseCode;

export function closeReasonOf(code: number): CloseReason | null {
  return (Object.keys(CloseCode) as CloseReason[]).find((key) => CloseCode[key].code === code) ?? null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frame(op: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = op;
  out.set(payload, 1);
  return out;
}

/** Bytes travel as they are, structured payloads as JSON, and the rest is the opcode alone. */
function encode(message: ClientMessage | ServerMessage): Uint8Array {
  if ('data' in message) return frame(message.op, message.data);
  const value = 'size' in message ? message.size : 'status' in message ? message.status : 'ports' in message ? message.ports : 'trouble' in message ? message.trouble : 'update' in message ? message.update : null;
  return frame(message.op, value === null ? new Uint8Array() : encoder.encode(JSON.stringify(value)));
}

export const encodeClient = (message: ClientMessage): Uint8Array => encode(message);
export const encodeServer = (message: ServerMessage): Uint8Array => encode(message);

export class ProtocolError extends Error {}
/** A frame above `limits.maxFrameBytes`: told apart from other protocol errors, as it closes with its own code. */
export class FrameTooLarge extends ProtocolError {}

/** Parses a browser frame; anything malformed throws ProtocolError and the socket is closed. */
export function decodeClient(bytes: Uint8Array): ClientMessage {
  if (bytes.length === 0) throw new ProtocolError('empty frame');
  if (bytes.length > limits.maxFrameBytes) throw new FrameTooLarge('frame too large');
  const op = bytes[0];
  const payload = bytes.subarray(1);
  switch (op) {
    case Op.input:
      return { op, data: payload };
    case Op.resize:
      return { op, size: parseSize(payload) };
    case Op.pause:
    case Op.resume:
    case Op.ping:
    case Op.watchState:
    case Op.unwatchState:
      if (payload.length) throw new ProtocolError('unexpected payload');
      return { op };
    default:
      throw new ProtocolError(`unknown opcode ${op}`);
  }
}

export function decodeServer(bytes: Uint8Array): ServerMessage {
  const op = bytes[0];
  const payload = bytes.subarray(1);
  switch (op) {
    case Op.output:
      return { op, data: payload };
    case Op.status:
      return { op, status: JSON.parse(decoder.decode(payload)) as Status };
    case Op.ports:
      return { op, ports: JSON.parse(decoder.decode(payload)) as PublishedPort[] };
    case Op.trouble:
      return { op, trouble: JSON.parse(decoder.decode(payload)) as Trouble };
    case Op.state:
      return { op, update: JSON.parse(decoder.decode(payload)) as StateUpdate };
    case Op.pong:
      return { op };
    default:
      throw new ProtocolError(`unknown opcode ${op}`);
  }
}

function parseSize(payload: Uint8Array): Size {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    throw new ProtocolError('resize is not JSON');
  }
  const { cols, rows } = (value ?? {}) as Record<string, unknown>;
  const valid = (n: unknown, max: number) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;
  if (!valid(cols, limits.maxCols) || !valid(rows, limits.maxRows) || Object.keys(value as object).length !== 2)
    throw new ProtocolError('resize must be {cols, rows} within limits');
  return { cols: cols as number, rows: rows as number };
}
