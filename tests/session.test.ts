import { describe, expect, it } from 'vitest';
import { TokenBucket } from '@/lib/server/rate-limit';
import { newSessionToken, readCookie, verifySessionToken } from '@/lib/server/auth';

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
