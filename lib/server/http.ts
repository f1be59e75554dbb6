import '#server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A JSON answer (or an empty one) that no cache keeps: every answer here is about one learner. */
export function reply(res: ServerResponse, status: number, body?: object): void {
  res.writeHead(status, body ? { 'content-type': 'application/json', 'cache-control': 'no-store' } : { 'cache-control': 'no-store' });
  res.end(body ? JSON.stringify(body) : undefined);
}

/** A refusal with its HTTP status; the router answers `{ error, ...extra }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: object = {},
  ) {
    super(message);
  }
}

/**
 * A small JSON body; a larger one is refused (413) and the rest of it is read and dropped, so the
 * refusal still reaches the client; a malformed one is refused (400).
 */
export function readJson(request: IncomingMessage, limit = 4096): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > limit) return reject(new HttpError(413, `request too large (at most ${limit} bytes)`));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'request is not JSON'));
      }
    });
    request.on('error', reject);
  });
}
