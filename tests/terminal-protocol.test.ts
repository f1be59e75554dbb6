import { describe, expect, it } from 'vitest';
import { emptyState } from '@/lib/docker-state';
import { closeReasonOf, CloseCode, decodeClient, decodeServer, encodeClient, encodeServer, limits, Op, parseSocketPath, ProtocolError, socketPath } from '@/lib/terminal-protocol';

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);

describe('terminal protocol', () => {
  it('round-trips every client message', () => {
    for (const message of [
      { op: Op.input, data: text('ls -l\r') },
      { op: Op.resize, size: { cols: 120, rows: 40 } },
      { op: Op.pause },
      { op: Op.resume },
      { op: Op.ping },
      { op: Op.watchState },
      { op: Op.unwatchState },
    ] as const) {
      expect(decodeClient(encodeClient(message))).toEqual(message);
    }
  });

  it('round-trips server output and status', () => {
    const output = { op: Op.output, data: bytes(27, 91, 109) } as const;
    expect(decodeServer(encodeServer(output))).toEqual(output);
    const status = { op: Op.status, status: { state: 'queued', ahead: 3, etaMs: 6000, full: false, retrying: false, engineAway: false } } as const;
    expect(decodeServer(encodeServer(status))).toEqual(status);
  });

  it('round-trips a Docker-state update', () => {
    const update = { op: Op.state, update: { catchingUp: false, state: { ...emptyState, volumes: [{ name: 'data', driver: 'local' }] } } };
    expect(decodeServer(encodeServer(update))).toEqual(update);
  });

  it('gives every message its own opcode', () => {
    const codes = Object.values(Op);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('keeps sizes as {cols, rows}, so the two can never be swapped', () => {
    const frame = encodeClient({ op: Op.resize, size: { cols: 100, rows: 30 } });
    expect(JSON.parse(new TextDecoder().decode(frame.subarray(1)))).toEqual({ cols: 100, rows: 30 });
  });

  it.each([
    ['an empty frame', bytes()],
    ['an unknown opcode', bytes(0x7f, 1)],
    ['a server opcode from the browser', bytes(Op.output, 65)],
    ['a state watch with a payload', bytes(Op.watchState, 1)],
    ['a resize that is not JSON', bytes(Op.resize, 1, 2)],
    ['a resize with rows and cols swapped into other names', new Uint8Array([Op.resize, ...text('{"w":80,"h":24}')])],
    ['a resize beyond the limits', new Uint8Array([Op.resize, ...text('{"cols":5000,"rows":24}')])],
    ['a resize with extra fields', new Uint8Array([Op.resize, ...text('{"cols":80,"rows":24,"x":1}')])],
    ['a resize with fractions', new Uint8Array([Op.resize, ...text('{"cols":80.5,"rows":24}')])],
    ['a ping with a payload', bytes(Op.ping, 1)],
    ['a frame over the size limit', new Uint8Array(limits.maxFrameBytes + 1).fill(Op.input, 0, 1)],
  ])('rejects %s', (_, frame) => {
    expect(() => decodeClient(frame)).toThrow(ProtocolError);
  });

  it('maps close codes back to their reasons', () => {
    expect(closeReasonOf(CloseCode.forbiddenOrigin.code)).toBe('forbiddenOrigin');
    expect(closeReasonOf(1000)).toBeNull();
  });

  it('builds and parses the socket’s address, refusing tabs, labs and sizes out of bounds', () => {
    const learner = { tab: 'main', nodes: 3, node: 2, size: { cols: 120, rows: 40 } };
    expect(parseSocketPath(socketPath(learner))).toEqual(learner);
    const view = { tab: 'main', nodes: 1, node: 1, watch: { classToken: 'a.b', member: '7' } };
    expect(socketPath(view)).toMatch(/^\/ws\/watch\?/);
    expect(parseSocketPath(socketPath(view))).toEqual(view);
    for (const bad of ['/ws/other?tab=main', '/ws/terminal?tab=Main', '/ws/terminal?tab=main&nodes=4', '/ws/terminal?tab=main&node=2', '/ws/terminal?tab=main&cols=80', '/ws/terminal?tab=main&cols=999&rows=20', '/ws/terminal?tab=main&cols=1.5&rows=20'])
      expect(parseSocketPath(bad), bad).toBeNull();
  });
});

