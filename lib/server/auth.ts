import '#server-only';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { tokenProtocolPrefix } from '../terminal-protocol';

/**
 * Everything the course signs, and the cookies that carry it. A token is an id and its HMAC under the
 * server's secret, so no table is needed to tell a real one from a forged one:
 * - a learner's session: a random id that names the learner's sandbox and progress;
 * - an instructor's link: a class id (holding the link is what makes someone the instructor);
 * - a preview: the id of the sandbox container whose published port it opens.
 */
type Purpose = 'session' | 'teach' | 'preview';

// Session signatures predate purposes and stay as they were, so tokens already given out keep working.
const purposePrefix: Record<Purpose, string> = { session: '', teach: 'teach:', preview: 'preview:' };
const mac = (purpose: Purpose, id: string, secret: Buffer) => createHmac('sha256', secret).update(purposePrefix[purpose] + id).digest('base64url');
const tokenPattern = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/;

const signed = (purpose: Purpose, id: string, secret: Buffer) => `${id}.${mac(purpose, id, secret)}`;

/** The id inside a valid token of that purpose, or null. */
function verified(purpose: Purpose, token: string | undefined | null, secret: Buffer): string | null {
  const match = tokenPattern.exec(token ?? '');
  if (!match) return null;
  const expected = Buffer.from(mac(purpose, match[1]!, secret));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? match[1]! : null;
}

export const newSessionToken = (secret: Buffer) => signed('session', randomBytes(16).toString('hex'), secret);
export const verifySessionToken = (token: string | undefined | null, secret: Buffer) => verified('session', token, secret);

export const teachToken = (classId: string, secret: Buffer) => signed('teach', classId, secret);
export const classOfTeachToken = (token: string | undefined | null, secret: Buffer) => verified('teach', token, secret);

/** Unguessable, stable across server restarts, and dead with its container. */
export const previewToken = (secret: Buffer, containerId: string) => mac('preview', containerId, secret).slice(0, 32);

export const sessionCookie = 'course_session';
/** HAProxy's cookie naming a learner's cell (deploy/haproxy.cfg); the server sets it only to send a learner back to their sandbox's cell. */
export const cellCookie = 'course_cell';
/** The dashboard's cookie that lets an instructor open their learners' previews; one per class. */
export const teachCookie = (classId: string) => `course_teach_${classId}`;
/** The course's own cookies (session, instructor), which a previewed app of a learner has no business seeing. */
const isCourseCookie = (name: string) => name === sessionCookie || name.startsWith(teachCookie(''));

/** A Cookie header as name and value pairs, in order. */
const cookiesOf = (header: string | undefined) =>
  (header?.split(';') ?? []).map((part) => {
    const [name, ...value] = part.trim().split('=');
    return { name: name!, value: value.join('='), part: part.trim() };
  });

export function readCookie(header: string | undefined, name: string): string | undefined {
  const found = cookiesOf(header).find((cookie) => cookie.name === name);
  return found && decodeURIComponent(found.value);
}

/** A Cookie header without the course's own cookies, or undefined when none is left. */
export function withoutCourseCookies(header: string | undefined): string | undefined {
  const kept = cookiesOf(header).filter((cookie) => cookie.name && !isCourseCookie(cookie.name));
  return kept.length ? kept.map((cookie) => cookie.part).join('; ') : undefined;
}

/** A Set-Cookie value for `name`, HttpOnly and same-site, Secure when the page came over HTTPS. */
export function cookieHeader(request: IncomingMessage, name: string, value: string, { path = '/', maxAgeSeconds = 31_536_000 } = {}) {
  const secure = request.headers.origin?.startsWith('https:') || request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  return `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * Where a request carries the learner's session token: the cookie, or in an embedded lesson (where
 * browsers withhold cookies from iframes of other sites) an Authorization header, or for its WebSocket a
 * `course-token.<token>` subprotocol, since browsers let scripts set no other header there.
 */
export function sessionTokenOf(request: IncomingMessage): string | undefined {
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const protocol = request.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()).find((p) => p.startsWith(tokenProtocolPrefix));
  return readCookie(request.headers.cookie, sessionCookie) ?? bearer ?? protocol?.slice(tokenProtocolPrefix.length);
}

/** The learner's session id, when the request carries a valid token. */
export const sessionOf = (request: IncomingMessage, secret: Buffer) => verifySessionToken(sessionTokenOf(request), secret);
