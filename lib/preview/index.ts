import '#server-only';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Locale } from '../i18n';
import { messages } from '../i18n/messages';
import { withoutCourseCookies } from '../server/auth';
import type { Route } from '../server/routes';

/**
 * Previews of published ports: `/preview/<token>/<port>/<path>` reaches `<path>` on that port of one
 * sandbox. The token names the sandbox, the learner's own cookie must come with it, and only a port the
 * sandbox publishes is dialled, at the sandbox's own address: the proxy cannot be pointed anywhere else.
 */
export const previewPrefix = '/preview/';

export const previewPath = (token: string, port: number) => `${previewPrefix}${token}/${port}/`;

export interface PreviewTarget {
  /** The learner who owns the sandbox. */
  session: string;
  /** The sandbox's address on the sandbox network. */
  address: string;
  ports: number[];
}

export interface PreviewDeps {
  /** The sandbox a token names, or null when there is none (any more). */
  resolve: (token: string) => Promise<PreviewTarget | null>;
  /** Whether the request may see what the learner's sandbox serves: the learner's own, or their instructor's. */
  mayOpen: (request: IncomingMessage, learner: string) => Promise<boolean> | boolean;
  locale: (request: IncomingMessage) => 'en' | 'ko';
}

type Refusal = 'malformed' | 'ended' | 'notYours' | 'notPublished' | 'unreachable';

/** The HTTP status of each refusal; the page's words are in lib/i18n (preview.refusals). */
const refusals: Record<Refusal, { status: number }> = {
  malformed: { status: 400 },
  ended: { status: 404 },
  notYours: { status: 403 },
  notPublished: { status: 404 },
  unreachable: { status: 502 },
};

const retries = 8;
const retryMs = 250;

// The token, after the name of the cell that holds the sandbox where the course runs on several (HAProxy routes on it).
const pathPattern = /^\/preview\/((?:[a-z0-9][a-z0-9-]{0,31}\.)?[A-Za-z0-9_-]{32})\/(\d{1,5})(\/.*)?$/;

function refusalPage(reason: Refusal, locale: Locale) {
  const { title, text } = messages[locale].preview.refusals[reason];
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="${locale}"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}

export function createPreview(deps: PreviewDeps) {
  /** Checks a request against its token, owner and port; returns where to send it or why not. */
  async function route(request: IncomingMessage): Promise<{ prefix: string; address: string; port: number; path: string } | Refusal> {
    const [pathname = '', query] = (request.url ?? '').split(/\?(.*)/s);
    const match = pathPattern.exec(pathname);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return 'malformed';
    const target = await deps.resolve(match[1]!);
    if (!target) return 'ended';
    if (!(await deps.mayOpen(request, target.session))) return 'notYours';
    if (!target.ports.includes(port)) return 'notPublished';
    const prefix = previewPath(match[1]!, port).slice(0, -1);
    return { prefix, address: target.address, port, path: (match[3] ?? '/') + (query !== undefined ? `?${query}` : '') };
  }

  function upstreamHeaders(request: IncomingMessage, address: string, port: number) {
    const headers = { ...request.headers, host: `${address}:${port}`, cookie: withoutCourseCookies(request.headers.cookie) };
    if (!headers.cookie) delete headers.cookie;
    return headers;
  }

  /** Redirects and cookies of the app, moved under the preview's prefix. */
  function rewriteHeaders(headers: IncomingMessage['headers'], prefix: string, address: string, port: number) {
    const out = { ...headers };
    const location = headers.location;
    if (location) {
      const upstream = new RegExp(`^https?://(${address.replace(/\./g, '\\.')}|localhost|127\\.0\\.0\\.1):${port}(?=/|$)`);
      const local = location.replace(upstream, '');
      if (local.startsWith('/') && !local.startsWith('//')) out.location = prefix + local;
      else if (local === '') out.location = `${prefix}/`;
    }
    if (headers['set-cookie'])
      out['set-cookie'] = headers['set-cookie'].map((cookie) => (/;\s*path=/i.test(cookie) ? cookie.replace(/(;\s*path=)\/?/i, `$1${prefix}/`) : `${cookie}; Path=${prefix}/`));
    return out;
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const refuse = (reason: Refusal) => {
      if (response.headersSent) return response.destroy();
      response.writeHead(refusals[reason].status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(refusalPage(reason, deps.locale(request)));
    };
    route(request).then(
      (target) => {
        if (typeof target === 'string') return refuse(target);
        // A port shows up as published a moment before it answers from outside (the sandbox forwards it
        // within a second): a read is tried again meanwhile. A request with a body goes once.
        const replayable = request.method === 'GET' || request.method === 'HEAD';
        const forward = (attempt: number) => {
          const upstream = httpRequest({ host: target.address, port: target.port, path: target.path, method: request.method, headers: upstreamHeaders(request, target.address, target.port) }, (answer) => {
            response.writeHead(answer.statusCode ?? 502, rewriteHeaders(answer.headers, target.prefix, target.address, target.port));
            answer.pipe(response);
          });
          upstream.on('error', (error: NodeJS.ErrnoException) => {
            if (replayable && error.code === 'ECONNREFUSED' && attempt < retries) setTimeout(() => forward(attempt + 1), retryMs);
            else refuse('unreachable');
          });
          if (replayable) upstream.end();
          else request.pipe(upstream);
        };
        forward(0);
      },
      () => refuse('unreachable'),
    );
  }

  /** WebSockets of the previewed app: the upgrade request is passed on and the two sockets joined. */
  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    route(request).then(
      (target) => {
        if (typeof target === 'string') {
          socket.end(`HTTP/1.1 ${refusals[target].status} ${messages.en.preview.refusals[target].title}\r\nConnection: close\r\n\r\n`);
          return;
        }
        const upstream = connect(target.port, target.address, () => {
          const headers = upstreamHeaders(request, target.address, target.port);
          const lines = Object.entries(headers).flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => `${key}: ${v}`) : value === undefined ? [] : [`${key}: ${value}`]));
          upstream.write(`${request.method} ${target.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
          if (head.length) upstream.write(head);
          upstream.pipe(socket).pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
      },
      () => socket.destroy(),
    );
  }

  const routes: Route[] = [{ method: 'ANY', path: `${previewPrefix}*`, handle: ({ request, response }) => handle(request, response) }];
  return { routes, handleUpgrade };
}
