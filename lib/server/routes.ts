import '#server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readJson, reply } from './http';
import { log } from './log';

export { HttpError };

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** The path's `:name` parts, decoded. */
  params: Record<string, string>;
  /** The request's small JSON body; a malformed or oversized one is refused with 400. */
  json: () => Promise<unknown>;
}

export interface Route {
  /** POST routes change something: the guard admits only the course's own origins, within a rate. */
  method: 'GET' | 'POST' | 'ANY';
  /** Literal segments, `:name` for one segment, `:name?` for an optional last one, `*` for any rest. */
  path: string;
  handle: (context: RouteContext) => unknown;
}

export interface PostGuard {
  allowedOrigins: string[];
  allow: (request: IncomingMessage) => boolean;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .slice(1)
    .map((segment) => {
      if (segment === '*') return '(?:/.*)?';
      const param = /^:(\w+)(\?)?$/.exec(segment);
      if (!param) return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      names.push(param[1]!);
      return param[2] ? '(?:/([^/]+))?' : '/([^/]+)';
    })
    .join('');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

/**
 * Every HTTP endpoint of the server outside Next.js, from one list of routes: the guard on changes,
 * JSON bodies and error replies are handled here once. Returns false for a request no route takes.
 */
export function createRouter(routes: Route[], guard: PostGuard) {
  const table = routes.map(compile);

  return function handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = request.url?.split('?')[0] ?? '';
    const matches = table.flatMap((entry) => {
      const match = entry.pattern.exec(path);
      return match ? [{ entry, match }] : [];
    });
    if (!matches.length) return false;
    const found = matches.find(({ entry }) => entry.route.method === 'ANY' || entry.route.method === request.method);
    if (!found) return reply(response, 405, { error: `use ${matches[0]!.entry.route.method}` }), true;
    const { entry, match } = found;
    const refusal = entry.route.method === 'POST' ? refusePost(request, guard) : null;
    if (refusal) return reply(response, refusal.status, { error: refusal.message }), true;
    const fail = (error: unknown) => {
      if (response.headersSent) return void response.destroy();
      if (error instanceof HttpError) return reply(response, error.status, { error: error.message, ...error.extra });
      log.error('http.failed', { method: request.method, path, error });
      reply(response, 500, { error: 'the server could not answer this request' });
    };
    try {
      const params = Object.fromEntries(entry.names.flatMap((name, i) => (match[i + 1] === undefined ? [] : [[name, decodeURIComponent(match[i + 1]!)]])));
      const json = () => readJson(request);
      Promise.resolve(entry.route.handle({ request, response, params, json })).catch(fail);
    } catch (error) {
      fail(error instanceof URIError ? new HttpError(400, 'malformed address') : error);
    }
    return true;
  };
}

/**
 * A request that changes something must come from one of the course's own origins (browsers send
 * Origin on every POST: an exact match keeps other sites from acting for a learner) and within the
 * client's request rate.
 */
function refusePost(request: IncomingMessage, guard: PostGuard): HttpError | null {
  if (!guard.allowedOrigins.includes(request.headers.origin ?? '')) return new HttpError(403, 'origin not allowed');
  if (!guard.allow(request)) return new HttpError(429, 'too many requests');
  return null;
}
