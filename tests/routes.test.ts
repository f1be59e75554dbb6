import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '@/lib/server/http';
import { createRouter, HttpError, type Route } from '@/lib/server/routes';

const origin = 'http://course.test';
let allowed = true;
const routes: Route[] = [
  { method: 'GET', path: '/items/:id', handle: ({ response, params }) => reply(response, 200, { id: params.id }) },
  { method: 'GET', path: '/join/:code?', handle: ({ response, params }) => reply(response, 200, { code: params.code ?? null }) },
  { method: 'ANY', path: '/files/*', handle: ({ request, response }) => reply(response, 200, { method: request.method, url: request.url }) },
  {
    method: 'POST',
    path: '/items/:id/rename',
    handle: async ({ response, params, json }) => {
      const { name } = (await json()) as { name?: string };
      if (!name) throw new HttpError(400, 'name: required', { field: 'name' });
      reply(response, 200, { id: params.id, name });
    },
  },
  {
    method: 'GET',
    path: '/broken',
    handle: () => {
      throw new Error('database on fire');
    },
  },
];
const handle = createRouter(routes, { allowedOrigins: [origin], allow: () => allowed });
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (!handle(request, response)) response.writeHead(404, { 'x-unrouted': '1' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const get = (path: string) => fetch(base + path);
const post = (path: string, body: string, from = origin) => fetch(base + path, { method: 'POST', headers: { origin: from, 'content-type': 'application/json' }, body });

describe('the route table', () => {
  it('matches literal paths with decoded parameters, optional ones and a wildcard rest', async () => {
    expect(await (await get('/items/a%20b')).json()).toEqual({ id: 'a b' });
    expect(await (await get('/join')).json()).toEqual({ code: null });
    expect(await (await get('/join/ABC234/')).json()).toEqual({ code: 'ABC234' });
    expect(await (await fetch(`${base}/files/x/y?z=1`, { method: 'DELETE' })).json()).toEqual({ method: 'DELETE', url: '/files/x/y?z=1' });
  });

  it('leaves paths no route takes to the next handler', async () => {
    const response = await get('/items/1/more/2');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-unrouted')).toBe('1');
  });

  it('answers a known path with the wrong method with 405', async () => {
    const response = await get('/items/7/rename');
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: 'use POST' });
  });

  it('guards every POST: foreign origins and clients over their rate are refused before the handler', async () => {
    expect((await post('/items/7/rename', '{"name":"x"}', 'http://evil.test')).status).toBe(403);
    allowed = false;
    expect((await post('/items/7/rename', '{"name":"x"}')).status).toBe(429);
    allowed = true;
    expect(await (await post('/items/7/rename', '{"name":"x"}')).json()).toEqual({ id: '7', name: 'x' });
  });

  it('refuses malformed bodies and addresses with 400, oversized bodies with 413, says what a handler refused, and hides crashes', async () => {
    expect((await post('/items/7/rename', '{not json')).status).toBe(400);
    expect((await post('/items/7/rename', JSON.stringify({ name: 'x'.repeat(5000) }))).status).toBe(413);
    const refused = await post('/items/7/rename', '{}');
    expect([refused.status, await refused.json()]).toEqual([400, { error: 'name: required', field: 'name' }]);
    expect((await get('/items/%E0%A4%A')).status).toBe(400);
    const broken = await get('/broken');
    expect([broken.status, await broken.json()]).toEqual([500, { error: 'the server could not answer this request' }]);
  });
});
