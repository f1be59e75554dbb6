import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { apiRoutes, type ApiDeps } from '@/lib/server/api';
import { newSessionToken, sessionCookie, verifySessionToken } from '@/lib/server/auth';
import { createRouter } from '@/lib/server/routes';
import { Op, type Status } from '@/lib/terminal-protocol';
import { config, engine, manager, removeAllSandboxes, until } from './helpers';
import { origin, ready, startGateway, type Client } from './terminal-harness';

beforeEach(removeAllSandboxes);
afterAll(removeAllSandboxes);

/** The learner's API as server.ts serves it (the router's guard included), for a manager under test. */
async function startApi(sandboxes: ApiDeps['sandboxes']) {
  const routes = createRouter(apiRoutes({ config, engine, sandboxes } as ApiDeps), { allowedOrigins: [origin], allow: () => true });
  const server = createServer((request, response) => void (routes(request, response) || response.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sandbox/extend`;
  return {
    extend: async (token: string, from = origin) => {
      const response = await fetch(url, { method: 'POST', headers: { origin: from, cookie: `${sessionCookie}=${token}` } });
      return { status: response.status, body: (await response.json()) as { expiresAt?: number; reason?: string } };
    },
    close: () => server.close(),
  };
}

const statuses = (client: Client): Status[] => client.messages.flatMap((m) => (m.op === Op.status ? [m.status] : []));
const ttlWarning = (client: Client, extendMs: number) => statuses(client).some((s) => s.state === 'warning' && s.reason === 'ttl' && s.extendMs === extendMs);
/** The tab shows a deadline and no warning: its last status is `ready` with that deadline. */
const shows = (client: Client, expiresAt: number) => {
  const last = statuses(client).at(-1);
  return last?.state === 'ready' && last.expiresAt === expiresAt;
};

describe('more time for a sandbox, on the real engine', () => {
  it('extends from the warning in every tab, up to the most time a sandbox may have, and keeps it across a restart', async () => {
    // 14 s to start with, warned 8 s before the end, 8 s more at a time, 24 s in all.
    const settings = { ttlMs: 14_000, warnMs: 8_000, extendMs: 8_000, maxMs: 24_000, reapIntervalMs: 200 };
    const sandboxes = manager(settings);
    await sandboxes.start();
    const gateway = await startGateway(sandboxes);
    const api = await startApi(sandboxes);
    const token = newSessionToken(config.secret);
    const session = verifySessionToken(token, config.secret)!;
    try {
      const first = gateway.connect({ token });
      await ready(first);
      const second = gateway.connect({ token, tab: 'two' });
      await ready(second);
      const start = statuses(first).find((s) => s.state === 'ready')!;
      const assignedAt = sandboxes.lease(session)!.assignedAt;
      expect(start).toMatchObject({ expiresAt: assignedAt + 14_000 });

      // Before the warning there is nothing to extend; another site cannot ask for the learner.
      expect(await api.extend(token)).toEqual({ status: 409, body: expect.objectContaining({ reason: 'tooEarly' }) });
      await until(() => ttlWarning(first, 8_000) && ttlWarning(second, 8_000));
      expect((await api.extend(token, 'http://elsewhere.test')).status).toBe(403);

      expect(await api.extend(token)).toEqual({ status: 200, body: { expiresAt: assignedAt + 22_000 } });
      await until(() => shows(first, assignedAt + 22_000) && shows(second, assignedAt + 22_000), 5_000);
      const names = (await engine.list(config.sandbox.instance)).map((s) => s.name);
      expect(names).toContain(`course-s-${session}-${assignedAt.toString(36)}-x${(8_000).toString(36)}`);
      // The warning is gone, so a second click (or the other tab) adds nothing.
      expect((await api.extend(token)).body.reason).toBe('tooEarly');

      // The next warning offers what is left of the 24 s, and the one after offers nothing.
      await until(() => ttlWarning(first, 2_000));
      expect(await api.extend(token)).toEqual({ status: 200, body: { expiresAt: assignedAt + 24_000 } });
      await until(() => shows(second, assignedAt + 24_000), 5_000);
      await until(() => ttlWarning(first, 0));
      expect(await api.extend(token)).toEqual({ status: 409, body: expect.objectContaining({ reason: 'atMost' }) });

      // A restarted server reads the time added from the name, past the 14 s the sandbox had at first.
      sandboxes.stop();
      gateway.close();
      const after = manager(settings);
      await after.start();
      const adopted = after.lease(session);
      expect(adopted?.nodes).toEqual(sandboxes.lease(session)!.nodes);
      expect(after.deadlines(adopted!).expiresAt).toBe(assignedAt + 24_000);
      const ended: string[] = [];
      after.on('ended', (_, reason) => ended.push(reason));
      await until(() => ended.includes('expired'));
      expect(Date.now()).toBeGreaterThanOrEqual(assignedAt + 24_000);
      after.stop();
    } finally {
      sandboxes.stop();
      gateway.close();
      api.close();
    }
  });

  it('does not call a learner idle while their shell prints, and does once it stops', async () => {
    const sandboxes = manager({ idleMs: 10_000, warnMs: 3_000, reapIntervalMs: 200 });
    const told: string[] = [];
    sandboxes.on('warning', (_, warning) => told.push(`warning:${warning.reason}`));
    sandboxes.on('ended', (_, reason) => told.push(`ended:${reason}`));
    await sandboxes.start();
    const gateway = await startGateway(sandboxes);
    try {
      const client = gateway.connect();
      await ready(client);
      client.type('while :; do date; sleep 1; done\r');
      // Longer than the idle timeout, with no keystroke: the output alone keeps the sandbox.
      await new Promise((resolve) => setTimeout(resolve, 14_000));
      expect(told).toEqual([]);
      client.type('\x03');
      await until(() => told.includes('ended:idle'), 20_000);
      expect(told).toEqual(['warning:idle', 'ended:idle']);
    } finally {
      sandboxes.stop();
      gateway.close();
    }
  });
});
