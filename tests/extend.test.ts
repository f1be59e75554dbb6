import { afterEach, describe, expect, it } from 'vitest';
import { leaseName, parseLeaseName, SandboxManager, type Deadlines, type Warning } from '@/lib/sandbox/manager';
import { loadConfig, type SandboxConfig } from '@/lib/server/config';
import { extendText, warningText } from '@/components/terminal/status-text';
import { en } from '@/lib/i18n/en';
import { ko } from '@/lib/i18n/ko';

const minute = 60_000;
const session = 'a'.repeat(32);
const t0 = Date.UTC(2026, 11, 7, 9, 0);

/** An engine that only holds container names: what the manager adopts after a restart and renames when time is added. */
class FakeEngine {
  containers: { id: string; name: string; running: boolean }[] = [];
  async list() {
    return this.containers.map((c) => ({ ...c }));
  }
  async rename(id: string, name: string) {
    this.containers.find((c) => c.id === id)!.name = name;
  }
  async remove(id: string) {
    this.containers = this.containers.filter((c) => c.id !== id);
  }
  async listLabNetworks() {
    return [];
  }
  async removeNetwork() {}
  nameOf(id: string) {
    return this.containers.find((c) => c.id === id)?.name;
  }
}

// The defaults: 120 minutes, warned 5 before, 30 more at a time, 240 in all.
const base = loadConfig({ COURSE_SECRET: 'test' }).sandbox;
const started: SandboxManager[] = [];
afterEach(() => started.splice(0).forEach((manager) => manager.stop()));

/**
 * A manager started `startMinutes` after the learner's sandbox was assigned, which finds it (its nodes
 * named `names`) on the engine, with a clock the test moves.
 */
async function adopted(names: string[], overrides: Partial<SandboxConfig> = {}, startMinutes = 0) {
  const engine = new FakeEngine();
  engine.containers = names.map((name, i) => ({ id: `c${i + 1}`, name, running: true }));
  const clock = { now: t0 + startMinutes * minute };
  // Idleness is another test's concern: here the learner never leaves.
  const manager = new SandboxManager(engine as never, { ...base, poolSize: 0, idleMs: 1000 * minute, ...overrides }, () => clock.now);
  const told: (['warning', Warning] | ['renewed', Deadlines])[] = [];
  manager.on('warning', (_, warning) => told.push(['warning', warning]));
  manager.on('renewed', (_, deadlines) => told.push(['renewed', deadlines]));
  started.push(manager);
  await manager.start();
  /** Moves the clock to `minutes` after the sandbox was assigned, and lets the reaper look. */
  const at = async (minutes: number) => {
    clock.now = t0 + minutes * minute;
    await manager.reap();
  };
  return { engine, manager, told, at, lease: () => manager.lease(session)! };
}

const fresh = (extendedMs = 0, node = 1) => leaseName({ session, assignedAt: t0, extendedMs, node });

describe('lease names', () => {
  it('carry the session, the start, the added time and the lab node, and read back the same', () => {
    for (const name of [
      { session, assignedAt: t0, extendedMs: 0, node: 1 },
      { session, assignedAt: t0, extendedMs: 30 * minute, node: 1 },
      { session, assignedAt: t0, extendedMs: 90 * minute, node: 3 },
      { session, assignedAt: t0, extendedMs: 0, node: 2 },
    ])
      expect(parseLeaseName(leaseName(name))).toEqual(name);
  });

  it('read the names sandboxes got before time could be added, lab nodes included', () => {
    const started = t0.toString(36);
    expect(leaseName({ session, assignedAt: t0, extendedMs: 0, node: 1 })).toBe(`course-s-${session}-${started}`);
    expect(parseLeaseName(`course-s-${session}-${started}`)).toEqual({ session, assignedAt: t0, extendedMs: 0, node: 1 });
    expect(parseLeaseName(`course-s-${session}-${started}-n2`)).toEqual({ session, assignedAt: t0, extendedMs: 0, node: 2 });
    expect(leaseName({ session, assignedAt: t0, extendedMs: 30 * minute, node: 2 })).toMatch(/-x[0-9a-z]+-n2$/);
  });

  it('are not read into pool members, strays or lab nodes beyond the largest lab', () => {
    for (const name of ['course-pool-0123456789ab', 'course-stray-test', `course-s-${session}`, `course-s-${session}-abc-n1`, `course-s-${session}-abc-xzz-n9x`, `course-s-${'A'.repeat(32)}-abc`])
      expect(parseLeaseName(name), name).toBeNull();
  });
});

describe('asking for more time', () => {
  it('is refused before the time-limit warning, so time cannot be saved up', async () => {
    const { manager, at } = await adopted([fresh()]);
    await at(60);
    expect(await manager.extend(session)).toBe('tooEarly');
    expect(await manager.extend('b'.repeat(32))).toBe('noSandbox');
  });

  it('moves the deadline by one extension once the warning is due, names it, and ends the warning', async () => {
    const { engine, manager, told, at, lease } = await adopted([fresh()]);
    await at(116);
    expect(told).toEqual([['warning', { reason: 'ttl', endsAt: t0 + 120 * minute, extendMs: 30 * minute }]]);
    const deadlines = await manager.extend(session);
    expect(deadlines).toMatchObject({ expiresAt: t0 + 150 * minute });
    expect(told.at(-1)).toEqual(['renewed', deadlines]);
    expect(manager.warnings(lease())).toEqual([]);
    expect(engine.nameOf('c1')).toBe(fresh(30 * minute));
    // Right after, the deadline is far again: a second click (another tab) adds nothing.
    expect(await manager.extend(session)).toBe('tooEarly');
    await at(121);
    expect(manager.lease(session)).toBeDefined();
  });

  it('extends once when two tabs ask at the same moment', async () => {
    const { manager, at } = await adopted([fresh()]);
    await at(117);
    const [one, two] = await Promise.all([manager.extend(session), manager.extend(session)]);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ expiresAt: t0 + 150 * minute });
  });

  it('stops at the most time a sandbox may have, giving what is left, then warns that no more can be added', async () => {
    const { manager, told, at } = await adopted([fresh()], { maxMs: 190 * minute });
    await at(116);
    expect(await manager.extend(session)).toMatchObject({ expiresAt: t0 + 150 * minute });
    await at(146);
    expect(told.at(-1)).toEqual(['warning', { reason: 'ttl', endsAt: t0 + 150 * minute, extendMs: 30 * minute }]);
    expect(await manager.extend(session)).toMatchObject({ expiresAt: t0 + 180 * minute });
    await at(176);
    expect(told.at(-1)).toEqual(['warning', { reason: 'ttl', endsAt: t0 + 180 * minute, extendMs: 10 * minute }]);
    expect(await manager.extend(session)).toMatchObject({ expiresAt: t0 + 190 * minute });
    await at(186);
    expect(told.at(-1)).toEqual(['warning', { reason: 'ttl', endsAt: t0 + 190 * minute, extendMs: 0 }]);
    expect(await manager.extend(session)).toBe('atMost');
    await at(190);
    expect(manager.lease(session)).toBeUndefined();
  });

  it('offers nothing when the operator allows no extension', async () => {
    const { manager, told, at } = await adopted([fresh()], { extendMs: 0 });
    await at(116);
    expect(told).toEqual([['warning', { reason: 'ttl', endsAt: t0 + 120 * minute, extendMs: 0 }]]);
    expect(await manager.extend(session)).toBe('atMost');
  });

  it('counts as activity: it ends an idle warning too', async () => {
    const { manager, at, lease } = await adopted([fresh()], { idleMs: 120 * minute });
    await at(116);
    expect(manager.warnings(lease()).map((w) => w.reason).sort()).toEqual(['idle', 'ttl']);
    expect(await manager.extend(session)).toMatchObject({ expiresAt: t0 + 150 * minute, idleEndsAt: t0 + 236 * minute });
    expect(manager.warnings(lease())).toEqual([]);
  });

  it('renames every node of a lab', async () => {
    const { engine, manager, at } = await adopted([fresh(0, 1), fresh(0, 2), fresh(0, 3)]);
    await at(116);
    await manager.extend(session);
    expect(engine.containers.map((c) => c.name)).toEqual([fresh(30 * minute, 1), fresh(30 * minute, 2), fresh(30 * minute, 3)]);
  });
});

describe('a restarted server', () => {
  it('keeps the time a learner added, past the time limit without it', async () => {
    const { manager, lease } = await adopted([fresh(30 * minute)]);
    expect(manager.deadlines(lease()).expiresAt).toBe(t0 + 150 * minute);
    const later = await adopted([fresh(30 * minute)], {}, 130);
    expect(later.manager.lease(session)).toBeDefined();
    await later.at(150);
    expect(later.manager.lease(session)).toBeUndefined();
  });

  it('removes a sandbox past its time limit that had no time added', async () => {
    const { manager, engine } = await adopted([fresh()], {}, 130);
    expect(manager.lease(session)).toBeUndefined();
    expect(engine.containers).toEqual([]);
  });

  it('keeps a lab whole when a node kept its old name (a crash between renames) and a sandbox named before extensions existed', async () => {
    const { lease } = await adopted([fresh(30 * minute, 1), fresh(0, 2), fresh(30 * minute, 3)]);
    expect(lease().nodes).toEqual(['c1', 'c2', 'c3']);
    expect(lease().extendedMs).toBe(30 * minute);
    const old = await adopted([`course-s-${session}-${t0.toString(36)}`, `course-s-${session}-${t0.toString(36)}-n2`]);
    expect(old.lease()).toMatchObject({ nodes: ['c1', 'c2'], extendedMs: 0 });
  });
});

describe('the time-limit warning in words', () => {
  it('offers more time while there is some, and says plainly when there is none', () => {
    const warning = { state: 'warning', reason: 'ttl', endsAt: 65_000 } as const;
    expect(warningText(en.terminal, { ...warning, extendMs: 30 * minute }, 0)).toBe('Your sandbox reaches its time limit in 1 min 5 s. Anything in it will be removed.');
    expect(warningText(en.terminal, { ...warning, extendMs: 0 }, 0)).toBe('Your sandbox reaches its time limit in 1 min 5 s and cannot be given more time. Anything in it will be removed.');
    expect(extendText(en.terminal, 30 * minute)).toBe('Add 30 minutes');
    expect(extendText(en.terminal, 10_000)).toBe('Add 1 minute');
    expect(extendText(ko.terminal, 30 * minute)).toBe('30분 늘리기');
  });
});
