import '#server-only';
import type { IncomingMessage } from 'node:http';
import { sessionOf } from '../server/auth';
import { HttpError, readJson, reply } from '../server/http';
import { log } from '../server/log';
import { RateLimiter } from '../server/rate-limit';
import type { Route } from '../server/routes';
import type { SandboxManager } from '../sandbox/manager';
import { maxLabNodes } from '../terminal-protocol';
import { SandboxFiles, WorkspaceError } from './files';
import { maxTextBytes, maxUploadBytes, reasonStatus, type Reason } from './protocol';

export interface WorkspaceDeps {
  secret: Buffer;
  sandboxes: Pick<SandboxManager, 'lease' | 'touch'>;
  files: SandboxFiles;
  /** Per learner: changes (saves, uploads, renames…) and reads (tree polls, opened files). */
  changes?: RateLimiter;
  reads?: RateLimiter;
}

// A save carries at most maxTextBytes of text; JSON's escapes (quotes, backslashes) can double it.
const saveBodyLimit = 2 * maxTextBytes + 4096;
const smallBodyLimit = 16_384;

const refuse = (reason: Reason, message: string, extra: object = {}) => new HttpError(reasonStatus[reason], message, { reason, ...extra });

/**
 * The workspace's file API (README, "The workspace: files in the sandbox"): the learner's files in the
 * node their editor shows, read and written through `SandboxFiles`. Every request names the node, is the
 * learner's activity, and counts against the learner's own rate.
 */
export function workspaceRoutes({ secret, sandboxes, files, changes = new RateLimiter(5, 30), reads = new RateLimiter(10, 60) }: WorkspaceDeps): Route[] {
  /** The container of the learner's node, within their rate; a refusal otherwise. */
  const sandbox = (request: IncomingMessage, node: unknown, limiter: RateLimiter) => {
    const number = node === undefined || node === null || node === '' ? 1 : Number(node);
    if (!Number.isInteger(number) || number < 1 || number > maxLabNodes) throw refuse('badRequest', `node must be a number from 1 to ${maxLabNodes}`);
    const session = sessionOf(request, secret);
    const containerId = session && sandboxes.lease(session)?.nodes[number - 1];
    if (!session || !containerId) throw refuse('noSandbox', 'there is no sandbox for this node; open the terminal first');
    if (!limiter.allow(session)) throw refuse('tooMany', 'too many requests; wait a moment');
    sandboxes.touch(session);
    return containerId;
  };
  const query = (request: IncomingMessage) => new URL(request.url ?? '', 'http://course').searchParams;
  const body = async (request: IncomingMessage, limit = smallBodyLimit) => {
    const value = await readJson(request, limit).catch((error: unknown) => {
      if (error instanceof HttpError) throw refuse(error.status === 413 ? 'tooLarge' : 'badRequest', error.message);
      throw error;
    });
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw refuse('badRequest', 'the request must be a JSON object');
    return value as Record<string, unknown>;
  };
  const text = (value: unknown, name: string) => {
    if (typeof value !== 'string') throw refuse(name === 'text' ? 'badRequest' : 'badPath', `${name} must be a string`);
    return value;
  };

  return [
    {
      method: 'GET',
      path: '/api/files/tree',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const params = query(request);
          const tree = await files.tree(sandbox(request, params.get('node'), reads));
          if (params.get('since') === tree.version) return reply(response, 204);
          reply(response, 200, tree);
        }),
    },
    {
      method: 'GET',
      path: '/api/files/file',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const params = query(request);
          const containerId = sandbox(request, params.get('node'), reads);
          reply(response, 200, await files.read(containerId, text(params.get('path'), 'path')));
        }),
    },
    {
      method: 'POST',
      path: '/api/files/file',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const fields = await body(request, saveBodyLimit);
          const containerId = sandbox(request, fields.node, changes);
          const content = text(fields.text, 'text');
          if (Buffer.byteLength(content) > maxTextBytes) throw refuse('tooLarge', `the text is larger than ${maxTextBytes} bytes`);
          const { base } = fields;
          if (base !== undefined && base !== null && typeof base !== 'string') throw refuse('badRequest', 'base must be a version, null, or left out');
          reply(response, 200, { version: (await files.write(containerId, text(fields.path, 'path'), content, base)).version });
        }),
    },
    {
      method: 'POST',
      path: '/api/files/create',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const fields = await body(request);
          const containerId = sandbox(request, fields.node, changes);
          if (fields.kind !== 'file' && fields.kind !== 'folder') throw refuse('badRequest', 'kind must be "file" or "folder"');
          reply(response, 200, await files.create(containerId, text(fields.path, 'path'), fields.kind));
        }),
    },
    {
      method: 'POST',
      path: '/api/files/rename',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const fields = await body(request);
          const containerId = sandbox(request, fields.node, changes);
          reply(response, 200, await files.rename(containerId, text(fields.from, 'from'), text(fields.to, 'to')));
        }),
    },
    {
      method: 'POST',
      path: '/api/files/delete',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const fields = await body(request);
          const containerId = sandbox(request, fields.node, changes);
          await files.remove(containerId, text(fields.path, 'path'));
          reply(response, 204);
        }),
    },
    {
      // The file's bytes as the body, streamed into the sandbox; a body over the limit is refused before
      // it is read, and drained so the refusal reaches the browser.
      method: 'POST',
      path: '/api/files/upload',
      handle: ({ request, response }) =>
        answer(request, async () => {
          try {
            const params = query(request);
            const size = Number(request.headers['content-length']);
            if (request.headers['content-length'] === undefined || !Number.isSafeInteger(size)) throw refuse('badRequest', 'an upload needs a Content-Length');
            if (size > maxUploadBytes) throw refuse('tooLarge', `a file may be at most ${maxUploadBytes} bytes`, { size });
            const containerId = sandbox(request, params.get('node'), changes);
            reply(response, 200, await files.upload(containerId, text(params.get('path'), 'path'), request, size));
          } finally {
            request.unpipe();
            if (!request.readableEnded) request.resume();
          }
        }),
    },
    {
      method: 'GET',
      path: '/api/files/download',
      handle: ({ request, response }) =>
        answer(request, async () => {
          const params = query(request);
          const containerId = sandbox(request, params.get('node'), reads);
          const download = await files.download(containerId, text(params.get('path'), 'path'));
          response.writeHead(200, {
            'content-type': download.kind === 'folder' ? 'application/gzip' : 'application/octet-stream',
            'content-disposition': attachment(download.name),
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
            ...(download.size === null ? {} : { 'content-length': String(download.size) }),
          });
          // The answer ends only once the sandbox says all went well; a failure part-way cuts it short,
          // so the browser reports a failed download instead of keeping a truncated file.
          response.on('close', () => download.stream.destroy());
          download.stream.pipe(response, { end: false });
          download.stream.on('end', () => {
            void download.finished.then(({ exitCode }) => (exitCode === 0 ? response.end() : response.destroy()), () => response.destroy());
          });
        }),
    },
  ];
}

/** Runs a handler, turning a workspace refusal into its HTTP answer `{ error, reason, ...extra }`. */
async function answer(request: IncomingMessage, handle: () => Promise<void>): Promise<void> {
  try {
    await handle();
  } catch (error) {
    if (error instanceof WorkspaceError) throw refuse(error.reason, error.message, error.extra);
    if (error instanceof HttpError) throw error;
    log.error('http.failed', { method: request.method, path: request.url?.split('?')[0], error });
    throw refuse('failed', 'the sandbox could not do it');
  }
}

/** A Content-Disposition that keeps any name: an ASCII fallback and the UTF-8 name (RFC 6266). */
export function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
