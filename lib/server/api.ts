import '#server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { evaluate } from '../checks/evaluate';
import { findCheck } from '../content/checks';
import { readJson, refusePost, reply, type PostGuard } from './http';
import type { Config } from './config';
import type { Engine } from '../sandbox/engine';
import type { SandboxManager } from '../sandbox/manager';
import { newSessionToken, readCookie, sessionCookie, verifySessionToken } from './auth';
import type { Store } from '../store';

export interface ApiDeps {
  config: Config;
  engine: Engine;
  sandboxes: SandboxManager;
  store: Store;
  /** Who may POST: the course's own origins, within a rate. */
  guard: PostGuard;
  /** Told of every check a learner runs, so their class's dashboard can follow. */
  checked: (learner: string) => void;
}

/** Where a request carries the learner's session token: the cookie, or in an embedded lesson (where
 * browsers withhold cookies from iframes of other sites) an Authorization header, or for its WebSocket a
 * `course-token.<token>` subprotocol, since browsers let scripts set no other header there. */
export function sessionTokenOf(request: IncomingMessage): string | undefined {
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const protocol = request.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()).find((p) => p.startsWith(tokenProtocol));
  return readCookie(request.headers.cookie, sessionCookie) ?? bearer ?? protocol?.slice(tokenProtocol.length);
}

export const tokenProtocol = 'course-token.';

export const sessionOf = (request: IncomingMessage, secret: Buffer) => verifySessionToken(sessionTokenOf(request), secret);

/**
 * The few HTTP endpoints that touch sandboxes. They live beside the WebSocket in the server process,
 * outside Next.js, so that nothing Next bundles ever imports the engine.
 */
export function createApi({ config, engine, sandboxes, store, guard, checked }: ApiDeps) {
  const setSession = (request: IncomingMessage, res: ServerResponse, token: string) => {
    const secure = request.headers.origin?.startsWith('https:') || request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
    res.setHeader('set-cookie', `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000${secure}`);
  };

  /** Returns false when the request is not for the API, so Next.js handles it. */
  return function handle(request: IncomingMessage, res: ServerResponse): boolean {
    const path = request.url?.split('?')[0] ?? '';
    // The private link that carries a learner's progress to another browser: it is their session token.
    const carried = /^\/continue\/([^/]+)$/.exec(path);
    if (carried && request.method === 'GET') {
      const token = decodeURIComponent(carried[1]!);
      if (verifySessionToken(token, config.secret)) setSession(request, res, token);
      res.writeHead(303, { location: '/', 'cache-control': 'no-store' }).end();
      return true;
    }
    if (path === '/api/progress' && request.method === 'GET') {
      const session = sessionOf(request, config.secret);
      reply(res, 200, session ? store.progress(session) : { passed: {}, last: null });
      return true;
    }
    if (!['/api/session', '/api/sandbox/reset', '/api/check', '/api/learner/link'].includes(path)) return false;
    if (refusePost(request, res, guard)) return true;
    const session = sessionOf(request, config.secret);

    if (path === '/api/session') {
      const token = session ? sessionTokenOf(request)! : newSessionToken(config.secret);
      if (!session) setSession(request, res, token);
      // An embedded lesson keeps its token itself; a page of the course leaves it in the HttpOnly cookie.
      if (request.headers['x-course-embed'] === '1') reply(res, 200, { token });
      else reply(res, 204);
      return true;
    }
    if (path === '/api/learner/link') {
      const token = sessionTokenOf(request);
      if (!session || !token) return reply(res, 401, { error: 'no session' }), true;
      reply(res, 200, { path: `/continue/${encodeURIComponent(token)}` });
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
    // /api/check: the page says which check; the server finds it in the course and asks the learner's daemon.
    if (!session) return reply(res, 401, { error: 'no session' }), true;
    readJson(request)
      .then(async (body) => {
        const { path: page, id } = (body ?? {}) as { path?: unknown; id?: unknown };
        const found = typeof page === 'string' && typeof id === 'string' ? await findCheck(page, id) : null;
        if (!found) return reply(res, 404, { error: 'no such check' });
        const lease = sandboxes.lease(session);
        if (!lease) return reply(res, 409, { error: found.locale === 'ko' ? '먼저 터미널을 열어 샌드박스를 시작하세요.' : 'Open the terminal first, so your sandbox is running.' });
        sandboxes.touch(session);
        const result = await evaluate(found.check, (args) => engine.run(lease.nodes[0]!, ['docker', ...args]));
        store.recordCheck(session, found.lesson, found.check.id, result.passed);
        checked(session);
        reply(res, 200, result.passed ? { passed: true } : { passed: false, message: result.problem[found.locale], hint: found.check.hint });
      })
      .catch((error: Error) => reply(res, 400, { error: error.message }));
    return true;
  };
}
