import 'client-only';
import { socketProtocol, tokenProtocolPrefix } from '../terminal-protocol';
/**
 * The learner's session as the browser holds it. On the course's own pages it is an HttpOnly cookie the
 * page never sees. In a lesson embedded in another site the browser keeps cookies from the iframe, so
 * the page keeps the token itself (in sessionStorage where the browser allows it, else for the life of
 * the page) and sends it with every request.
 */
const storageKey = 'course-session';
const embedded = () => typeof document !== 'undefined' && document.documentElement.dataset.embed === '1';

let token: string | null = null;

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
  if (embedded()) token ??= stored()?.getItem(storageKey) ?? null;
  session ??= fetch(lesson ? `/api/session?${new URLSearchParams({ lesson })}` : '/api/session', { method: 'POST', credentials: 'same-origin', headers: { ...sessionHeaders(), ...(embedded() ? { 'x-course-embed': '1' } : {}) } })
    .then(async (response) => {
      if (!response.ok) throw new Error(`session: HTTP ${response.status}`);
      if (!embedded()) return;
      token = ((await response.json()) as { token: string }).token;
      stored()?.setItem(storageKey, token);
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
  if (embedded()) stored()?.removeItem(storageKey);
}

/** Headers that name the learner, for fetch: none where the cookie does it. */
export const sessionHeaders = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** WebSocket subprotocols: the token rides as the second one where there is no cookie. */
export const socketProtocols = (): string[] => (token ? [socketProtocol, `${tokenProtocolPrefix}${token}`] : [socketProtocol]);
