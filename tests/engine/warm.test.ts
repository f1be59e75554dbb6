import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWarmSeats, type WarmConfig } from '@/lib/classes/warm';
import type { SandboxConfig } from '@/lib/server/config';
import { SandboxManager } from '@/lib/sandbox/manager';
import { newSessionToken } from '@/lib/server/auth';
import { openSqliteStore } from '@/lib/store/sqlite';
import type { Store } from '@/lib/store';
import { Op } from '@/lib/terminal-protocol';
import { config, CountingEngine, engine, removeAllSandboxes, until } from './helpers';
import { prompted, startGateway, type Client } from './terminal-harness';

const size = { cols: 100, rows: 30 };
const lesson = 'virtualization/from-vms-to-containers';

/** One run of the server's sandbox side: a manager that knows learners' classes, its warm seats, and the terminal gateway. */
interface Server {
  counting: CountingEngine;
  sandboxes: SandboxManager;
  warm: ReturnType<typeof createWarmSeats>;
  harness: Awaited<ReturnType<typeof startGateway>>;
}

let dir: string;
let store: Store;
const servers: Server[] = [];

async function serve(overrides: Partial<SandboxConfig>, warmConfig: WarmConfig): Promise<Server> {
  const counting = new CountingEngine(engine.docker);
  const classOf = async (session: string) => (await store.classes.membership(session))?.class.id ?? null;
  const sandboxes = new SandboxManager(counting, { ...config.sandbox, reapIntervalMs: 500, poolSize: 0, ...overrides }, Date.now, classOf);
  await sandboxes.start();
  const warm = createWarmSeats({ config: warmConfig, store, sandboxes, nodesOf: async () => 1, intervalMs: 250 });
  const server = { counting, sandboxes, warm, harness: await startGateway(sandboxes, counting) };
  servers.push(server);
  return server;
}

/** As a SIGKILL leaves it: nothing is cleaned up, the sandboxes stay on the engine. */
function kill(server: Server) {
  server.harness.close();
  server.sandboxes.stop();
  server.warm.stop();
  servers.splice(servers.indexOf(server), 1);
}

const newClass = (capacity: number, startsAt: number) => store.classes.create({ title: 'Monday', locale: 'en', lessons: [lesson], capacity, startsAt, endsAt: null });
const sessionOf = (token: string) => token.split('.')[0]!;
const queued = (client: Client) => client.messages.some((m) => m.op === Op.status && m.status.state === 'queued');
const onEngine = async () => (await engine.list(config.sandbox.instance)).map((s) => s.name);

beforeEach(async () => {
  await removeAllSandboxes();
  dir = mkdtempSync(path.join(tmpdir(), 'course-warm-'));
  store = openSqliteStore(path.join(dir, 'course.db'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.harness.close();
    server.sandboxes.stop();
    server.warm.stop();
  }
  await removeAllSandboxes();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a class that starts warm', () => {
  it('has its 30 seats warm before it starts, and 30 members joining at once get a prompt each from them', async () => {
    const startsAt = Date.now() + 300_000;
    const { counting, sandboxes, warm, harness } = await serve({ capacity: 30 }, { warmBeforeMs: 295_000, warmGraceMs: 60_000 });
    const klass = await newClass(30, startsAt);
    await warm.update();
    // Not yet: warming begins 295 s before the start (30 starts take 30-40 s on two idle cores, minutes on a busy engine).
    expect(sandboxes.warmOf(klass.id)).toBeNull();
    await until(() => sandboxes.warmOf(klass.id) !== null, 15_000);
    await until(() => warm.seats(klass.id)?.warm === 30, 290_000).catch((error: Error) => {
      throw new Error(`${error.message}; seats: ${JSON.stringify(warm.seats(klass.id))}, creates: ${counting.creates}`);
    });
    expect(Date.now()).toBeLessThan(startsAt);
    expect(counting.creates).toBe(30);
    expect((await onEngine()).every((name) => new RegExp(`^course-warm-${klass.id}-[0-9a-f]{12}$`).test(name))).toBe(true);

    const tokens = Array.from({ length: 30 }, () => newSessionToken(config.secret));
    await Promise.all(tokens.map((token, i) => store.classes.join(klass.id, sessionOf(token), `Learner ${i + 1}`)));
    const began = Date.now();
    const learners = tokens.map((token) => harness.connect({ token, size }));
    await until(() => learners.every(prompted), 60_000);
    console.log(`30 members prompted from warm seats in ${Date.now() - began} ms`);
    // Every member had a warm seat: nobody queued, and the engine was asked for nothing more.
    expect(learners.filter(queued)).toEqual([]);
    expect(counting.creates).toBe(30);
    expect(warm.seats(klass.id)).toEqual({ warm: 0, starting: 0 });
    for (const learner of learners) learner.ws.close();
  }, 420_000);

  it('keeps its warm seats across a server killed mid-class, then gives the unused ones back after the grace time', async () => {
    const startsAt = Date.now() + 2_000;
    const warmConfig = { warmBeforeMs: 60_000, warmGraceMs: 40_000 };
    const first = await serve({ capacity: 10 }, warmConfig);
    const klass = await newClass(3, startsAt);
    await first.warm.update();
    await until(() => first.warm.seats(klass.id)?.warm === 3, 90_000);
    kill(first);

    // The next run adopts the seats by their names: none are leaked, none started again.
    const second = await serve({ capacity: 10 }, warmConfig);
    expect(second.sandboxes.warmOf(klass.id)).toEqual({ ready: 3, starting: 0 });
    await second.warm.update();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(second.counting.creates).toBe(0);
    expect(second.warm.seats(klass.id)).toEqual({ warm: 3, starting: 0 });

    // A member who joins late (after the start, within the grace time) takes one.
    const token = newSessionToken(config.secret);
    await store.classes.join(klass.id, sessionOf(token), 'Ann');
    const ann = second.harness.connect({ token, size });
    await until(() => prompted(ann), 30_000);
    expect(queued(ann)).toBe(false);
    expect(second.counting.creates).toBe(0);
    expect(second.warm.seats(klass.id)).toEqual({ warm: 2, starting: 0 });

    // The two unused seats go once the grace time is over; Ann's sandbox stays.
    await until(() => second.sandboxes.warmOf(klass.id) === null, startsAt + warmConfig.warmGraceMs - Date.now() + 15_000);
    await until(async () => (await onEngine()).length === 1, 30_000);
    expect((await onEngine())[0]).toMatch(new RegExp(`^course-s-${sessionOf(token)}-`));
    expect(prompted(ann) && ann.ws.readyState === ann.ws.OPEN).toBe(true);
    ann.ws.close();
  }, 300_000);

  it('gives its warm seats back as soon as the class ends', async () => {
    const { sandboxes, warm } = await serve({ capacity: 10 }, { warmBeforeMs: 60_000, warmGraceMs: 60_000 });
    const klass = await newClass(2, Date.now() + 30_000);
    await warm.update();
    await until(() => warm.seats(klass.id)?.warm === 2, 90_000);
    await store.classes.end(klass.id);
    await warm.update();
    expect(sandboxes.warmOf(klass.id)).toBeNull();
    await until(async () => (await onEngine()).length === 0, 30_000);
  }, 180_000);
});
