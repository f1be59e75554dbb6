import { describe, expect, it } from 'vitest';
import { newSessionToken, teachToken } from '@/lib/server/auth';
import { createLogger, learnerId, type Level } from '@/lib/server/log';

const secret = Buffer.from('a secret of the tests, long enough');

function capture() {
  const lines: { level: Level; line: string }[] = [];
  const log = createLogger((level, line) => lines.push({ level, line }), () => new Date('2026-12-07T05:00:00.000Z'));
  return { log, lines, text: () => lines.map((l) => l.line).join('') };
}

describe('the log', () => {
  it('writes one JSON line per event, time, level and event first; info to stdout, warnings and errors to stderr', () => {
    const { log, lines } = capture();
    log.info('sandbox.started', { ms: 1523 });
    log.error('sandbox.start.failed', { error: new Error('the engine said no'), waiting: 2 });
    expect(lines.map((l) => l.level)).toEqual(['info', 'error']);
    expect(lines.every((l) => l.line.endsWith('\n') && !l.line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines[0]!.line).toBe('{"time":"2026-12-07T05:00:00.000Z","level":"info","event":"sandbox.started","ms":1523}\n');
    expect(JSON.parse(lines[1]!.line)).toEqual({ time: '2026-12-07T05:00:00.000Z', level: 'error', event: 'sandbox.start.failed', error: 'the engine said no', waiting: 2 });
  });

  it('never lets a field overwrite time, level or event', () => {
    const { log, lines } = capture();
    log.warn('x', { level: 'info', event: 'y', time: 0 });
    expect(JSON.parse(lines[0]!.line)).toEqual({ time: '2026-12-07T05:00:00.000Z', level: 'warn', event: 'x' });
  });

  it('never prints a session token, an instructor token, a cookie, a Bearer value or a full session id, wherever they hide', () => {
    const { log, text } = capture();
    const token = newSessionToken(secret);
    const [session, signature] = token.split('.') as [string, string];
    const teach = teachToken('0123456789abcdef0123456789abcdef', secret);
    log.error('http.failed', { method: 'GET', path: `/continue/${token}`, error: new Error(`conflict: container /course-s-${session}-m4x is in use`) });
    log.error('http.failed', { path: `/api/teach/${teach}/events` });
    log.info('request', { headers: { cookie: `course_session=${token}; theme=dark`, authorization: `Bearer ${token}` } });
    log.info('request', { note: `sent course_session=${token}; and Authorization: Bearer ${signature}`, list: [token] });
    log.info('socket', { protocols: `course-terminal, course-token.${token}`, sessionToken: 'anything', secret: 'anything' });
    log.info('preview', { url: '/preview/AbCdEf0123456789_-AbCdEf01234567/8080/' });
    const printed = text();
    expect(printed).not.toContain(session);
    expect(printed).not.toContain(signature);
    expect(printed).not.toContain(teach.split('.')[1]!);
    expect(printed).not.toContain('0123456789abcdef0123456789abcdef');
    expect(printed).not.toContain('AbCdEf0123456789_-AbCdEf01234567');
    expect(printed).not.toContain('anything');
    // What stays is what an operator needs to follow one learner, and nothing to act as them.
    expect(printed).toContain(`course-s-${learnerId(session)}-m4x`);
    expect(printed).toContain('"path":"/continue/[redacted]"');
    expect(printed).toContain('"cookie":"[redacted]"');
  });

  it('names a learner by the first 8 characters of their session id', () => {
    expect(learnerId('0123456789abcdef0123456789abcdef')).toBe('01234567');
  });
});
