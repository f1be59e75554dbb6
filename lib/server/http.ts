import '#server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A JSON answer (or an empty one) that no cache keeps: every answer here is about one learner. */
export function reply(res: ServerResponse, status: number, body?: object): void {
  res.writeHead(status, body ? { 'content-type': 'application/json', 'cache-control': 'no-store' } : { 'cache-control': 'no-store' });
  res.end(body ? JSON.stringify(body) : undefined);
}

/** A small JSON body; anything larger or malformed is refused. */
export function readJson(request: IncomingMessage, limit = 4096): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('request is not JSON'));
      }
    });
    request.on('error', reject);
  });
}

export interface PostGuard {
  allowedOrigins: string[];
  allow: (request: IncomingMessage) => boolean;
}

/**
 * Refuses a request that changes something unless it is a POST from one of the course's own origins
 * (browsers send Origin on every POST: an exact match keeps other sites from acting for a learner) and
 * within the client's request rate. Returns true when it has answered.
 */
export function refusePost(request: IncomingMessage, res: ServerResponse, guard: PostGuard): boolean {
  if (request.method !== 'POST') reply(res, 405, { error: 'use POST' });
  else if (!guard.allowedOrigins.includes(request.headers.origin ?? '')) reply(res, 403, { error: 'origin not allowed' });
  else if (!guard.allow(request)) reply(res, 429, { error: 'too many requests' });
  else return false;
  return true;
}
