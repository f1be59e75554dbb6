import '#server-only';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A learner's session: a random id, signed so that the server needs no table to tell a real token
 * from a forged one. The id names the learner's sandbox.
 */
export const sessionCookie = 'course_session';

const sign = (id: string, secret: Buffer) => createHmac('sha256', secret).update(id).digest('base64url');

export function newSessionToken(secret: Buffer): string {
  const id = randomBytes(16).toString('hex');
  return `${id}.${sign(id, secret)}`;
}

/** The session id inside a valid token, or null. */
export function verifySessionToken(token: string | undefined | null, secret: Buffer): string | null {
  if (!token) return null;
  const match = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const expected = Buffer.from(sign(match[1]!, secret));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? match[1]! : null;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
