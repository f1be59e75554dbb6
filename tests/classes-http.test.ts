import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClasses } from '@/lib/classes/http';
import { createRouter } from '@/lib/server/routes';
import type { SandboxManager } from '@/lib/sandbox/manager';
import { openSqliteStore } from '@/lib/store/sqlite';

// The real store and real HTTP; the sandbox manager is a stand-in that records what it is asked.
const dir = mkdtempSync(path.join(tmpdir(), 'course-classes-'));
const store = openSqliteStore(path.join(dir, 'course.db'));
const resets: [string, string][] = [];
const sandboxes = { lease: () => undefined, reset: async (learner: string, reason: string) => void resets.push([learner, reason]) } as unknown as SandboxManager;
let clock = Date.now();
const origin = 'http://course.test';
const classes = createClasses({
  config: { secret: Buffer.from('s'.repeat(32)), stuckAfterMs: 300_000, defaultCapacity: 2, maxCapacity: 40, cell: null },
  store,
  sandboxes,
  lessonsOf: async (_, lessons) => (lessons.every((l) => l === 'm/one') ? lessons.map((lesson) => ({ lesson, title: 'One', steps: ['s1'] })) : null),
  // The learner is whoever the test says, in a header.
  sessionOf: (request) => (request.headers['x-learner'] as string | undefined) ?? null,
  now: () => clock,
});
const handle = createRouter(classes.routes, { allowedOrigins: [origin], allow: () => true });
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (!handle(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  classes.stop();
  server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, body: object, learner?: string) =>
  fetch(base + url, { method: 'POST', headers: { origin, 'content-type': 'application/json', ...(learner ? { 'x-learner': learner } : {}) }, body: JSON.stringify(body) });
const create = async (body: object = {}) => {
  const response = await post('/api/classes', { title: 'Monday', locale: 'en', lessons: ['m/one'], ...body });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { teach: string; code: string; join: string };
  return { ...created, token: encodeURIComponent(created.teach.split('#')[1]!) };
};

describe('classes over HTTP', () => {
  it('refuses a class with unknown lessons, too many seats, a foreign origin or a bad title', async () => {
    expect((await post('/api/classes', { title: 'X', locale: 'en', lessons: ['m/two'] })).status).toBe(400);
    expect((await post('/api/classes', { title: 'X', locale: 'en', lessons: ['m/one'], capacity: 41 })).status).toBe(400);
    expect((await post('/api/classes', { title: ' ', locale: 'en', lessons: ['m/one'] })).status).toBe(400);
    const foreign = await fetch(`${base}/api/classes`, { method: 'POST', headers: { origin: 'http://evil.test' }, body: '{}' });
    expect(foreign.status).toBe(403);
  });

  it('takes a start time within the coming week, and counts the end from it', async () => {
    const at = (hours: number) => clock + hours * 3_600_000;
    expect((await post('/api/classes', { title: 'X', locale: 'en', lessons: ['m/one'], startsAt: at(-1) })).status).toBe(400);
    expect((await post('/api/classes', { title: 'X', locale: 'en', lessons: ['m/one'], startsAt: at(24 * 8) })).status).toBe(400);
    const { token } = await create({ startsAt: at(1), hours: 2 });
    const board = (await (await fetch(`${base}/api/teach/${token}`)).json()) as { class: object; warm: unknown };
    expect(board.class).toMatchObject({ startsAt: at(1), endsAt: at(3) });
    // No seats are warmed by a server without warm seats.
    expect(board.warm).toBeNull();
  });

  it('joins by code, forgiving its case, and refuses wrong and full codes with their reason', async () => {
    const { code, join } = await create();
    expect(join).toBe(`/join/${code}`);
    const joined = await post('/api/classes/join', { code: code.toLowerCase(), name: 'Ann' }, 'ann');
    expect(await joined.json()).toEqual({ title: 'Monday', lesson: '/en/m/one' });
    expect((await post('/api/classes/join', { code, name: 'Bo' }, 'bo')).status).toBe(200);
    const full = await post('/api/classes/join', { code, name: 'Cy' }, 'cy');
    expect([full.status, ((await full.json()) as { reason: string }).reason]).toEqual([409, 'full']);
    const wrong = await post('/api/classes/join', { code: 'ZZZZZZ', name: 'Cy' }, 'cy');
    expect([wrong.status, ((await wrong.json()) as { reason: string }).reason]).toEqual([404, 'wrong']);
    expect((await post('/api/classes/join', { code, name: 'Cy' })).status).toBe(401);
    const redirect = await fetch(`${base}/join/${code.toLowerCase()}`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe(`/en/join?code=${code}`);
  });

  it('gives the dashboard only to the whole instructor link, and pins only the class’s lessons', async () => {
    const { token, code } = await create();
    await post('/api/classes/join', { code, name: 'Ann' }, 'ann2');
    const board = (await (await fetch(`${base}/api/teach/${token}`)).json()) as { learners: { name: string }[]; class: { code: string } };
    expect(board.class.code).toBe(code);
    expect(board.learners.map((l) => l.name)).toEqual(['Ann']);
    expect((await fetch(`${base}/api/teach/${token.slice(0, -2)}`)).status).toBe(404);
    expect((await post(`/api/teach/${token}/pin`, { lesson: 'm/elsewhere' })).status).toBe(400);
    expect((await post(`/api/teach/${token}/pin`, { lesson: 'm/one' })).status).toBe(204);
    const mine = (await (await fetch(`${base}/api/class`, { headers: { 'x-learner': 'ann2' } })).json()) as { class: { pinned: string } };
    expect(mine.class.pinned).toBe('m/one');
  });

  it('streams the dashboard and sends it again when a learner joins', async () => {
    const { token, code } = await create();
    const stream = await fetch(`${base}/api/teach/${token}/events`);
    const reader = stream.body!.getReader();
    const next = async () => {
      let text = '';
      while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      return JSON.parse(text.replace(/^data: /, '')) as { learners: unknown[] };
    };
    expect((await next()).learners).toHaveLength(0);
    await post('/api/classes/join', { code, name: 'Dee' }, 'dee');
    expect((await next()).learners).toHaveLength(1);
    await reader.cancel();
  });

  it('ends a class at its end time: its sandboxes go, and its code takes no one new', async () => {
    const { code } = await create({ hours: 1 });
    await post('/api/classes/join', { code, name: 'Eve' }, 'eve');
    resets.length = 0;
    clock += 3_600_000;
    await classes.endDue();
    expect(resets).toEqual([['eve', 'classEnded']]);
    const late = await post('/api/classes/join', { code, name: 'Fay' }, 'fay');
    expect([late.status, ((await late.json()) as { reason: string }).reason]).toEqual([410, 'ended']);
    const mine = (await (await fetch(`${base}/api/class`, { headers: { 'x-learner': 'eve' } })).json()) as { class: { ended: boolean } };
    expect(mine.class.ended).toBe(true);
  });
});
