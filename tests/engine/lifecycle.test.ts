import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Wait } from '@/lib/sandbox/supply';
import { config, engine, manager, newSession, removeAllSandboxes, until } from './helpers';

beforeEach(removeAllSandboxes);
afterAll(removeAllSandboxes);

const names = async () => (await engine.list(config.sandbox.instance)).map((s) => s.name);

describe('sandbox lifecycle on the real engine', () => {
  it('gives a session its own sandbox, the same one again, and a fresh one after a reset', async () => {
    const sandboxes = manager();
    await sandboxes.start();
    const session = newSession();
    const lease = await sandboxes.acquire(session);
    expect((await sandboxes.acquire(session)).nodes[0]!).toBe(lease.nodes[0]!);
    expect(await names()).toContainEqual(expect.stringMatching(new RegExp(`^course-s-${session}-`)));

    await sandboxes.reset(session);
    expect((await engine.list(config.sandbox.instance)).map((s) => s.id)).not.toContain(lease.nodes[0]!);
    const fresh = await sandboxes.acquire(session);
    expect(fresh.nodes[0]!).not.toBe(lease.nodes[0]!);
    await sandboxes.reset(session);
    sandboxes.stop();
  });

  it('hands out warm sandboxes from the pool and refills it', async () => {
    const sandboxes = manager({ poolSize: 1 });
    await sandboxes.start();
    await until(() => sandboxes.counts.pooled === 1, 30_000);
    const started = Date.now();
    const lease = await sandboxes.acquire(newSession());
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => sandboxes.counts.pooled === 1, 30_000);
    await sandboxes.reset(lease.session);
    sandboxes.stop();
    await removeAllSandboxes();
  });

  it('starts a sandbox for a lesson page, hands it to the terminal, and gives an unused one back to the pool', async () => {
    // Room for one: the pool does not refill while the claim holds its sandbox.
    const sandboxes = manager({ poolSize: 1, capacity: 1, claimMs: 1000, reapIntervalMs: 200 });
    await sandboxes.start();
    await until(() => sandboxes.counts.pooled === 1, 30_000);
    const page = newSession();
    sandboxes.claim(page, 1);
    await until(() => sandboxes.lease(page) !== undefined);
    const claimed = sandboxes.lease(page)!.nodes[0]!;
    // No terminal came: the same fresh sandbox is warm in the pool again, under a pool name.
    await until(() => sandboxes.lease(page) === undefined && sandboxes.counts.pooled === 1, 15_000);
    expect((await engine.list(config.sandbox.instance)).map((s) => [s.id, s.name.replace(/[0-9a-f]{12}$/, '…')])).toEqual([[claimed, 'course-pool-…']]);

    const learner = newSession();
    sandboxes.claim(learner, 1);
    const lease = await sandboxes.acquire(learner);
    expect(lease.nodes[0]).toBe(claimed);
    await new Promise((r) => setTimeout(r, 2000));
    expect(sandboxes.lease(learner)).toBe(lease);
    await sandboxes.reset(learner);
    sandboxes.stop();
  });

  it('warns before the time limit, then removes the sandbox', async () => {
    const sandboxes = manager({ ttlMs: 4000, warnMs: 2500 });
    const events: string[] = [];
    sandboxes.on('warning', (_, w) => events.push(`warning:${w.reason}`));
    sandboxes.on('ended', (_, reason) => events.push(`ended:${reason}`));
    await sandboxes.start();
    const lease = await sandboxes.acquire(newSession());
    await until(() => events.includes('ended:expired'), 15_000);
    expect(events).toEqual(['warning:ttl', 'ended:expired']);
    // The learner is told first; the container goes right after.
    await until(async () => !(await engine.list(config.sandbox.instance)).some((s) => s.id === lease.nodes[0]));
    sandboxes.stop();
  });

  it('warns an idle learner, forgets the warning on a keystroke, and ends the sandbox when idle too long', async () => {
    const sandboxes = manager({ idleMs: 3000, warnMs: 1500 });
    const events: string[] = [];
    sandboxes.on('warning', (_, w) => events.push(`warning:${w.reason}`));
    sandboxes.on('ended', (_, reason) => events.push(`ended:${reason}`));
    await sandboxes.start();
    const session = newSession();
    await sandboxes.acquire(session);
    await until(() => events.includes('warning:idle'));
    sandboxes.touch(session);
    expect(sandboxes.lease(session)).toBeDefined();
    await until(() => events.includes('ended:idle'));
    expect(events).toEqual(['warning:idle', 'warning:idle', 'ended:idle']);
    sandboxes.stop();
  });

  it('queues learners beyond the capacity and tells them their place', async () => {
    const sandboxes = manager({ capacity: 1 });
    await sandboxes.start();
    const first = newSession();
    await sandboxes.acquire(first);
    const waits: Wait[] = [];
    const second = sandboxes.acquire(newSession(), (wait) => waits.push(wait));
    await until(() => waits.length > 0);
    expect(waits).toEqual([{ ahead: 0, full: true, etaMs: null, retrying: false, engineAway: false }]);
    expect(sandboxes.counts.queued).toBe(1);
    await sandboxes.reset(first);
    const lease = await second;
    expect(lease.nodes[0]!).toBeTruthy();
    await sandboxes.reset(lease.session);
    sandboxes.stop();
  });

  it('adopts live sandboxes after a restart and removes expired and stray ones', async () => {
    const before = manager();
    await before.start();
    const session = newSession();
    const lease = await before.acquire(session);
    before.stop();
    // A container of ours with a name no manager gives: left by a crash mid-create.
    const stray = await engine.create('course-stray-test', before['config']);

    const after = manager();
    await after.start();
    expect(after.lease(session)?.nodes[0]).toBe(lease.nodes[0]!);
    expect((await engine.list(config.sandbox.instance)).map((s) => s.id)).not.toContain(stray);
    after.stop();

    const expired = manager({ ttlMs: 1 });
    await expired.start();
    expect(expired.lease(session)).toBeUndefined();
    expect(await engine.list(config.sandbox.instance)).toEqual([]);
    expired.stop();
  });

  it('forgets a sandbox whose container died, and removes every stopped one, pooled ones too', async () => {
    const sandboxes = manager({ poolSize: 1 });
    const ended: string[] = [];
    sandboxes.on('ended', (_, reason) => ended.push(reason));
    await sandboxes.start();
    const lease = await sandboxes.acquire(newSession());
    await until(() => sandboxes.counts.pooled === 1, 30_000);
    const pooled = (await engine.list(config.sandbox.instance)).find((s) => s.id !== lease.nodes[0])!;
    await Promise.all([lease.nodes[0]!, pooled.id].map((id) => engine.docker.getContainer(id).kill()));
    await until(() => ended.includes('gone'));
    expect(sandboxes.lease(lease.session)).toBeUndefined();
    await until(async () => (await engine.list(config.sandbox.instance)).every((s) => !s.stopped), 30_000);
    sandboxes.stop();
  });
});
