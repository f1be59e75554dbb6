import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, type ApiDeps } from '@/lib/server/api';
import { newSessionToken, sessionCookie, verifySessionToken } from '@/lib/server/auth';
import { loadConfig } from '@/lib/server/config';
import { createRouter } from '@/lib/server/routes';
import type { Rescue } from '@/lib/terminal-protocol';

// The route around the watchdog: who may ask, what, and on which node. The watchdog itself is tested on the real engine.
const config = loadConfig({ COURSE_STATE_DIR: '.state/unit-rescue', COURSE_SECRET: 'rescue route test secret', PORT: '3999' });
const origin = 'http://localhost:3999';
const token = newSessionToken(config.secret);
const session = verifySessionToken(token, config.secret)!;
const asked: { id: string; rescue: Rescue }[] = [];

const deps = {
  config,
  sandboxes: { lease: (s: string) => (s === session ? { nodes: ['node-one', 'node-two'] } : undefined), touch: () => {} },
  health: { rescue: async (id: string, rescue: Rescue) => (asked.push({ id, rescue }), { stopped: 3, from: 'shells' }) },
} as unknown as ApiDeps;

let server: Server;
let base: string;
beforeAll(async () => {
  const routes = createRouter(apiRoutes(deps), { allowedOrigins: [origin], allow: () => true });
  server = createServer((request, response) => void routes(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const ask = (body: unknown, cookie = `${sessionCookie}=${token}`, from = origin) =>
  fetch(`${base}/api/sandbox/rescue`, { method: 'POST', headers: { origin: from, cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /api/sandbox/rescue', () => {
  it('acts on the node the tab shows and answers what was done', async () => {
    const response = await ask({ rescue: 'stopRunaway', node: 2 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stopped: 3, from: 'shells' });
    expect(asked.at(-1)).toEqual({ id: 'node-two', rescue: 'stopRunaway' });
  });

  it('refuses an unknown rescue, a node outside the lab, no session and another origin, doing nothing', async () => {
    const before = asked.length;
    expect((await ask({ rescue: 'rm -rf /', node: 1 })).status).toBe(400);
    expect((await ask({ rescue: 'prune', node: 4 })).status).toBe(400);
    expect((await ask({ rescue: 'prune', node: 1.5 })).status).toBe(400);
    expect((await ask({ rescue: 'prune', node: 3 })).status).toBe(409);
    expect((await ask({ rescue: 'prune' }, '')).status).toBe(401);
    expect((await ask({ rescue: 'prune' }, `${sessionCookie}=${newSessionToken(config.secret)}`)).status).toBe(409);
    expect((await ask({ rescue: 'prune' }, undefined, 'http://evil.test')).status).toBe(403);
    expect(asked.length).toBe(before);
  });
});
