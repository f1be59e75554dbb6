import { expect, test } from '@playwright/test';
import { Engine } from '../lib/sandbox/engine';
import { loadConfig } from '../lib/server/config';
import { sessionCookie } from '../lib/server/auth';
import { e2eBase, e2eInstance } from './env';

// A lesson page starts its learner's sandbox while it loads; these prove who may not start one.
const engine = Engine.connect(loadConfig({ COURSE_STATE_DIR: `.state/${e2eInstance}`, COURSE_INSTANCE: e2eInstance }).engine);
const lesson = '/en/virtualization/from-vms-to-containers';
const leases = async () => (await engine.list(e2eInstance)).filter((s) => s.name.startsWith('course-s-')).map((s) => s.name);
const hasSandbox = async (session: string) => (await leases()).some((name) => name.startsWith(`course-s-${session}-`));

async function newSession() {
  const response = await fetch(`${e2eBase}/api/session`, { method: 'POST', headers: { origin: e2eBase } });
  const token = /course_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
  return { token, session: token.split('.')[0]! };
}

test('a request for a lesson without a session, as a crawler makes it, starts no sandbox', async () => {
  const before = await leases();
  const response = await fetch(`${e2eBase}${lesson}`);
  expect(response.status).toBe(200);
  await new Promise((r) => setTimeout(r, 2000));
  expect(await leases()).toEqual(before);
});

test('link prefetches start no sandbox; opening the lesson does, before its terminal connects', async ({ page, context }) => {
  const { token, session } = await newSession();
  await context.addCookies([{ name: sessionCookie, value: token, url: e2eBase }]);
  const prefetches: string[] = [];
  page.on('request', (request) => {
    const headers = request.headers();
    if (headers['next-router-prefetch'] && /^\/en\/[a-z0-9-]+\/[a-z0-9-]+/.test(new URL(request.url()).pathname)) prefetches.push(request.url());
  });
  // The course page links every lesson; the browser prefetches those on screen.
  await page.goto('/en');
  await expect.poll(() => prefetches.length, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.waitForTimeout(2000);
  expect(await hasSandbox(session)).toBe(false);

  // The same learner's real visit (here without running the page's code, so no terminal connects) claims one.
  const visit = await fetch(`${e2eBase}${lesson}`, { headers: { cookie: `${sessionCookie}=${token}` } });
  expect(visit.status).toBe(200);
  await expect.poll(() => hasSandbox(session), { timeout: 30_000 }).toBe(true);
  await fetch(`${e2eBase}/api/sandbox/reset`, { method: 'POST', headers: { origin: e2eBase, cookie: `${sessionCookie}=${token}` } });
});
