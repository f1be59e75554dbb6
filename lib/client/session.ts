import 'client-only';
import { socketProtocol, tokenProtocolPrefix } from '../terminal-protocol';
/**
 * The learner's session as the browser holds it. On the course's own pages it is an HttpOnly cookie the
 * page never sees. In a lesson embedded in another site the browser keeps cookies from the iframe, so
 * the page keeps the token itself (in sessionStorage where the browser allows it, else for the life of
 * the page) and sends it with every request.
 */
const storageKey = 'course-session';
/** The cell (server) that holds an embedded lesson's sandbox, behind HAProxy; null on a course of one server. */
const cellKey = 'course-cell';
const embedded = () => typeof document !== 'undefined' && document.documentElement.dataset.embed === '1';

let token: string | null = null;
let cell: string | null = null;

/** sessionStorage, where the browser lets an iframe of another site have one (some refuse even that). */
function stored(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
let session: Promise<void> | null = null;

/**
 * Asked for once per page, and again after the server refused the one we had. A lesson page names
 * itself (`lesson`, its path) in the first call, so the server starts its sandbox straight away.
 */
export function ensureSession(lesson?: string): Promise<void> {
  if (embedded()) {
    token ??= stored()?.getItem(storageKey) ?? null;
    cell ??= stored()?.getItem(cellKey) ?? null;
  }
  session ??= fetch(lesson ? `/api/session?${new URLSearchParams({ lesson })}` : '/api/session', { method: 'POST', credentials: 'same-origin', headers: { ...sessionHeaders(), ...(embedded() ? { 'x-course-embed': '1' } : {}) } })
    .then(async (response) => {
      if (!response.ok) throw new Error(`session: HTTP ${response.status}`);
      if (!embedded()) return;
      ({ token, cell } = (await response.json()) as { token: string; cell: string | null });
      stored()?.setItem(storageKey, token);
      if (cell) stored()?.setItem(cellKey, cell);
      else stored()?.removeItem(cellKey);
    })
    .catch((error: Error) => {
      session = null;
      throw error;
    });
  return session;
}

export function forgetSession(): void {
  session = null;
  token = null;
  cell = null;
  if (embedded()) {
    stored()?.removeItem(storageKey);
    stored()?.removeItem(cellKey);
  }
}

/**
 * Headers that name the learner, for fetch: none where the cookie does it. An embedded lesson also names
 * its cell, since HAProxy's cookie does not reach an iframe (README, "More than one machine").
 */
export const sessionHeaders = (): Record<string, string> => ({ ...(token && { authorization: `Bearer ${token}` }), ...(cell && { 'x-course-cell': cell }) });

/** A WebSocket's address, with the embedded lesson's cell where it has one: a socket takes no headers. */
export const withCell = (path: string): string => (cell ? `${path}${path.includes('?') ? '&' : '?'}cell=${encodeURIComponent(cell)}` : path);

/** WebSocket subprotocols: the token rides as the second one where there is no cookie. */
export const socketProtocols = (): string[] => (token ? [socketProtocol, `${tokenProtocolPrefix}${token}`] : [socketProtocol]);
