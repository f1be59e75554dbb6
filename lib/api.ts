import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from './config';
import type { RateLimiter } from './rate-limit';
import type { SandboxManager } from './sandbox/manager';
import { newSessionToken, readCookie, sessionCookie, verifySessionToken } from './session';

export interface ApiDeps {
  config: Config;
  sandboxes: SandboxManager;
  requests: RateLimiter;
  clientAddress: (request: IncomingMessage) => string;
}

export const sessionOf = (request: IncomingMessage, secret: Buffer) =>
  verifySessionToken(readCookie(request.headers.cookie, sessionCookie), secret);

/**
 * The few HTTP endpoints that touch sandboxes. They live beside the WebSocket in the server process,
 * outside Next.js, so that nothing Next bundles ever imports the engine.
 */
export function createApi({ config, sandboxes, requests, clientAddress }: ApiDeps) {
  const reply = (res: ServerResponse, status: number, body?: object) => {
    res.writeHead(status, body ? { 'content-type': 'application/json', 'cache-control': 'no-store' } : { 'cache-control': 'no-store' });
    res.end(body ? JSON.stringify(body) : undefined);
  };

  /** Returns false when the request is not for the API, so Next.js handles it. */
  return function handle(request: IncomingMessage, res: ServerResponse): boolean {
    const path = request.url?.split('?')[0] ?? '';
    if (!path.startsWith('/api/session') && !path.startsWith('/api/sandbox/')) return false;
    if (request.method !== 'POST') return reply(res, 405, { error: 'use POST' }), true;
    // Browsers send Origin on every POST; an exact match keeps other sites from acting for a learner.
    if (!config.allowedOrigins.includes(request.headers.origin ?? '')) return reply(res, 403, { error: 'origin not allowed' }), true;
    if (!requests.allow(clientAddress(request))) return reply(res, 429, { error: 'too many requests' }), true;
    const session = sessionOf(request, config.secret);

    if (path === '/api/session') {
      if (!session) {
        const secure = request.headers.origin?.startsWith('https:') ? '; Secure' : '';
        res.setHeader('set-cookie', `${sessionCookie}=${newSessionToken(config.secret)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000${secure}`);
      }
      reply(res, 204);
      return true;
    }
    if (path === '/api/sandbox/reset') {
      if (!session) return reply(res, 401, { error: 'no session' }), true;
      sandboxes.reset(session).then(
        () => reply(res, 202),
        (error: Error) => reply(res, 500, { error: error.message }),
      );
      return true;
    }
    reply(res, 404, { error: 'not found' });
    return true;
  };
}
