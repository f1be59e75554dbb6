import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxConfig } from '@/lib/server/config';
import { SandboxManager } from '@/lib/sandbox/manager';
import { newSessionToken } from '@/lib/server/auth';
import { CloseCode, Op, type Status } from '@/lib/terminal-protocol';
import { config, CountingEngine, engine, removeAllSandboxes, until } from './helpers';
import { prompted, startGateway, type Client } from './terminal-harness';

const size = { cols: 100, rows: 30 };
let counting: CountingEngine;
let sandboxes: SandboxManager;
let harness: Awaited<ReturnType<typeof startGateway>>;

async function serve(overrides: Partial<SandboxConfig>) {
  counting = new CountingEngine(engine.docker);
  sandboxes = new SandboxManager(counting, { ...config.sandbox, reapIntervalMs: 500, ...overrides });
  await sandboxes.start();
  harness = await startGateway(sandboxes, counting);
  await until(() => sandboxes.counts.pooled === overrides.poolSize, 60_000);
  counting.creates = 0;
}

beforeEach(removeAllSandboxes);
afterEach(async () => {
  harness.close();
  sandboxes.stop();
  await removeAllSandboxes();
});

/** Sockets the server closed (or that failed): a learner in a rush must never see one. */
const closedEarly = (clients: Client[]) => clients.filter((c) => c.ws.readyState === c.ws.CLOSING || c.ws.readyState === c.ws.CLOSED);
const waitsOf = (client: Client) => client.messages.flatMap((m) => (m.op === Op.status && m.status.state === 'queued' ? [m.status] : []));

describe('a rush of learners', () => {
  it('gives 30 learners arriving at once a prompt each on their first connection, starting each sandbox once', async () => {
    await serve({ poolSize: 2, capacity: 40 });
    const learners = Array.from({ length: 30 }, () => harness.connect({ size }));
    await until(() => learners.every(prompted) || closedEarly(learners).length > 0, 300_000);
    expect(closedEarly(learners)).toEqual([]);
    // Two came warm from the pool; every other learner's sandbox was created once, then the pool refilled.
    await until(() => sandboxes.counts.pooled === 2, 60_000);
    expect(counting.creates).toBe(30 - 2 + 2);
    // Those who waited were told their place and an estimate, and no start had to be replaced.
    const waits = learners.flatMap(waitsOf);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => !w.full && !w.retrying && w.etaMs !== null)).toBe(true);
    expect(Math.max(...waits.map((w) => w.ahead))).toBeGreaterThan(10);
    for (const learner of learners) learner.ws.close();
  });

  it('with 50 learners and room for 40, queues 10 with their place and serves each as others leave', async () => {
    await serve({ poolSize: 2, capacity: 40 });
    const tokens = Array.from({ length: 50 }, () => newSessionToken(config.secret));
    const learners = tokens.map((token) => harness.connect({ token, size }));
    await until(() => learners.filter(prompted).length === 40, 300_000);
    const waiting = learners.filter((c) => !prompted(c));
    expect(waiting).toHaveLength(10);
    expect(closedEarly(learners)).toEqual([]);
    // Every one of the ten is told that the course is full, and where they stand.
    await until(() => waiting.every((c) => waitsOf(c).at(-1)?.full));
    expect(waiting.map((c) => waitsOf(c).at(-1)!.ahead).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // Ten learners leave: each place goes to the next one waiting.
    const served = learners.filter(prompted).slice(0, 10);
    for (const learner of served) await sandboxes.reset(tokens[learners.indexOf(learner)]!.split('.')[0]!);
    await until(() => waiting.every(prompted), 300_000);
    expect(closedEarly(waiting)).toEqual([]);
    expect(served.every((c) => c.ws.readyState !== c.ws.OPEN)).toBe(true);
    for (const learner of learners) learner.ws.close();
    // 50 starts on two cores, in two waves: about two minutes, longer on a loaded machine.
  }, 400_000);

  it('brings up whole labs for 5 learners opening a Swarm lesson at once', async () => {
    await serve({ poolSize: 2, capacity: 40 });
    const tokens = Array.from({ length: 5 }, () => newSessionToken(config.secret));
    // A lab lesson opens one tab per node.
    const tabs = tokens.flatMap((token) => [1, 2, 3].map((node) => harness.connect({ token, tab: `main&nodes=3&node=${node}`, size })));
    await until(() => tabs.every(prompted) || closedEarly(tabs).length > 0, 300_000);
    expect(closedEarly(tabs)).toEqual([]);
    for (const token of tokens) expect(sandboxes.lease(token.split('.')[0]!)?.nodes).toHaveLength(3);
    await until(() => sandboxes.counts.pooled === 2, 60_000);
    expect(counting.creates).toBe(15 - 2 + 2);
    for (const tab of tabs) tab.ws.close();
  });

  it('tells a learner plainly when their sandbox could not start, instead of retrying forever', async () => {
    // An image that starts and exits at once: a sandbox that really fails.
    await serve({ poolSize: 0, image: 'course/base:trixie' });
    const learner = harness.connect({ size });
    const closed = await learner.closed;
    expect(closed.code).toBe(CloseCode.startFailed.code);
    expect(waitsOf(learner).some((w: Extract<Status, { state: 'queued' }>) => w.retrying)).toBe(true);
    expect(counting.creates).toBe(2);
  });
});
