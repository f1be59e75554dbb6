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
  state: 0x1a,
} as const;

export interface Size {
  cols: number;
  rows: number;
}

/** What the learner's sandbox is doing, shown in the terminal's status line. */
export type Status =
  | { state: 'starting' }
  /** Waiting for a sandbox: how many learners come first, about how long (null while every place is taken), and whether a failed start is being replaced. */
  | { state: 'queued'; ahead: number; etaMs: number | null; full: boolean; retrying: boolean }
  | { state: 'ready'; expiresAt: number; idleTimeoutMs: number }
  | { state: 'warning'; reason: 'ttl' | 'idle'; endsAt: number }
  | { state: 'resetting' };

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
  | { op: typeof Op.state; update: StateUpdate }
  | { op: typeof Op.pong };

/** Limits both ends agree on; the server enforces them. */
export const limits = {
  maxFrameBytes: 64 * 1024,
  maxCols: 500,
  maxRows: 200,
};

/**
 * Close codes and the words the terminal shows for them. 4000-4999 are ours; the browser may
 * reconnect after the ones marked `retry`.
 */
export const CloseCode = {
  badFrame: { code: 4000, retry: false, en: 'The terminal sent a message the server did not understand.', ko: '터미널이 서버가 이해할 수 없는 메시지를 보냈습니다.' },
  unauthorized: { code: 4001, retry: false, en: 'Your session is not valid any more. Reload the page to start a new one.', ko: '세션이 더 이상 유효하지 않습니다. 페이지를 새로 고쳐 새 세션을 시작하세요.' },
  forbiddenOrigin: { code: 4003, retry: false, en: 'This page is not allowed to open a terminal.', ko: '이 페이지에서는 터미널을 열 수 없습니다.' },
  sandboxGone: { code: 4004, retry: true, en: 'Your sandbox stopped. Reconnecting gives you a new one.', ko: '샌드박스가 멈췄습니다. 다시 연결하면 새 샌드박스가 준비됩니다.' },
  expired: { code: 4005, retry: false, en: 'Your sandbox reached its time limit and was removed. Reconnect for a fresh one.', ko: '샌드박스가 사용 시간을 다 써서 삭제되었습니다. 다시 연결하면 새 샌드박스를 받습니다.' },
  replaced: { code: 4006, retry: false, en: 'This terminal was opened in another window.', ko: '이 터미널은 다른 창에서 열렸습니다.' },
  rateLimited: { code: 4008, retry: true, en: 'Too many messages too quickly; the terminal was closed to protect the server.', ko: '너무 많은 메시지를 너무 빨리 보내 터미널이 닫혔습니다.' },
  tooBig: { code: 4009, retry: true, en: 'A message was too large.', ko: '메시지가 너무 큽니다.' },
  startFailed: { code: 4015, retry: false, en: 'Your sandbox could not start, twice. The course may be overloaded: reconnect in a minute.', ko: '샌드박스를 두 번 시작하지 못했습니다. 수업 서버에 사용자가 많을 수 있으니 잠시 뒤 다시 연결하세요.' },
  engineError: { code: 4011, retry: true, en: 'The Docker engine did not answer. Trying again…', ko: 'Docker 엔진이 응답하지 않습니다. 다시 시도하는 중…' },
  resetByInstructor: { code: 4012, retry: true, en: 'Your instructor reset your sandbox. Here is a fresh one.', ko: '강사가 샌드박스를 초기화했습니다. 새 샌드박스를 준비합니다.' },
  classEnded: { code: 4013, retry: false, en: 'Your class has ended, and its sandboxes with it. Reconnect to keep practising on your own.', ko: '수업이 끝나 수업의 샌드박스도 정리되었습니다. 혼자 계속 연습하려면 다시 연결하세요.' },
  // Read-only views of a learner's terminal, for their instructor: tried again, so the view comes back with the learner.
  notRunning: { code: 4014, retry: true, en: 'This learner’s terminal is not open right now. Waiting for it…', ko: '이 학습자의 터미널이 지금 열려 있지 않습니다. 기다리는 중…' },
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
  const value = 'size' in message ? message.size : 'status' in message ? message.status : 'ports' in message ? message.ports : 'update' in message ? message.update : null;
  return frame(message.op, value === null ? new Uint8Array() : encoder.encode(JSON.stringify(value)));
}

export const encodeClient = (message: ClientMessage): Uint8Array => encode(message);
export const encodeServer = (message: ServerMessage): Uint8Array => encode(message);

export class ProtocolError extends Error {}

/** Parses a browser frame; anything malformed throws ProtocolError and the socket is closed. */
export function decodeClient(bytes: Uint8Array): ClientMessage {
  if (bytes.length === 0) throw new ProtocolError('empty frame');
  if (bytes.length > limits.maxFrameBytes) throw new ProtocolError('frame too large');
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
