import { describe, expect, it } from 'vitest';
import { TokenBucket } from '@/lib/server/rate-limit';
import { classOfTeachToken, newSessionToken, withoutCourseCookies, previewToken, readCookie, teachCookie, teachToken, verifySessionToken } from '@/lib/server/auth';

const secret = Buffer.from('test secret');

describe('session tokens', () => {
  it('verifies its own tokens and returns the session id', () => {
    const token = newSessionToken(secret);
    expect(verifySessionToken(token, secret)).toBe(token.split('.')[0]);
  });

  it('rejects forged, altered, foreign and malformed tokens', () => {
    const token = newSessionToken(secret);
    const [id, signature] = token.split('.');
    const otherId = id!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect(verifySessionToken(`${otherId}.${signature}`, secret)).toBeNull();
    expect(verifySessionToken(token, Buffer.from('another secret'))).toBeNull();
    expect(verifySessionToken(`${id}.`, secret)).toBeNull();
    expect(verifySessionToken('../../etc/passwd', secret)).toBeNull();
    expect(verifySessionToken(undefined, secret)).toBeNull();
  });

  it('keeps each kind of token to its purpose: a session is no instructor link, and the reverse', () => {
    const session = newSessionToken(secret);
    const id = session.split('.')[0]!;
    expect(classOfTeachToken(session, secret)).toBeNull();
    expect(verifySessionToken(teachToken(id, secret), secret)).toBeNull();
    expect(classOfTeachToken(teachToken(id, secret), secret)).toBe(id);
    expect(previewToken(secret, id)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(previewToken(secret, id)).not.toBe(previewToken(Buffer.from('another secret'), id));
  });

  it('takes the course’s own cookies out of what a previewed app is sent', () => {
    expect(withoutCourseCookies(`theme=dark; course_session=x.y; ${teachCookie('a'.repeat(32))}=t; app_session=42`)).toBe('theme=dark; app_session=42');
    expect(withoutCourseCookies('course_session=x.y')).toBeUndefined();
    expect(withoutCourseCookies(undefined)).toBeUndefined();
  });

  it('reads a cookie among others', () => {
    expect(readCookie('a=1; course_session=x.y; b=2', 'course_session')).toBe('x.y');
    expect(readCookie(undefined, 'course_session')).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 500;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });
});
