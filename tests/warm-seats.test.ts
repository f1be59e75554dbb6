import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWarmSeats } from '@/lib/classes/warm';
import { openSqliteStore } from '@/lib/store/sqlite';
import type { Store } from '@/lib/store';

const minute = 60_000;

/** The manager's side of warm seats, as a record of what each class was given. */
class FakeSandboxes {
  readonly wanted = new Map<string, number>();
  readonly given = new Set<string>();
  warm(classId: string, count: number) {
    this.wanted.set(classId, count);
  }
  async unwarm(classId: string) {
    this.wanted.delete(classId);
    this.given.add(classId);
  }
  warmOf(classId: string) {
    const wanted = this.wanted.get(classId);
    // Half of what is wanted is ready, the rest is starting.
    return wanted === undefined ? null : { ready: Math.floor(wanted / 2), starting: wanted - Math.floor(wanted / 2) };
  }
  get warmClasses() {
    return [...this.wanted.keys()];
  }
}

let dir: string;
let store: Store;
let clock: number;
let sandboxes: FakeSandboxes;
let warm: ReturnType<typeof createWarmSeats>;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'course-warm-seats-'));
  clock = 1_000 * minute;
  store = openSqliteStore(path.join(dir, 'course.db'), () => clock);
  sandboxes = new FakeSandboxes();
  // The lab lesson needs three machines per learner; a lesson of reading needs none.
  const nodes: Record<string, number> = { 'm/single': 1, 'm/lab': 3, 'm/reading': 0 };
  warm = createWarmSeats({ config: { warmBeforeMs: 10 * minute, warmGraceMs: 15 * minute }, store, sandboxes, nodesOf: async (_, lesson) => nodes[lesson] ?? null, now: () => clock });
});
afterEach(async () => {
  warm.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const make = (lessons: string[], startsAt: number | null, capacity = 30) => store.classes.create({ title: 'Monday', locale: 'en', lessons, capacity, startsAt, endsAt: null });

describe('warm seats of classes', () => {
  it('warms a class’s untaken seats from the set time before its start, and gives the unused ones back after the grace time', async () => {
    const klass = await make(['m/single'], clock + 20 * minute);
    await warm.update();
    expect(sandboxes.wanted.has(klass.id)).toBe(false);
    clock += 10 * minute;
    await warm.update();
    expect(sandboxes.wanted.get(klass.id)).toBe(30);
    expect(warm.seats(klass.id)).toEqual({ warm: 15, starting: 15 });
    // Each member who joins is a seat fewer to keep warm.
    await store.classes.join(klass.id, 'ann', 'Ann');
    await store.classes.join(klass.id, 'bo', 'Bo');
    await warm.update();
    expect(sandboxes.wanted.get(klass.id)).toBe(28);
    clock += 10 * minute + 15 * minute - 1;
    await warm.update();
    expect(sandboxes.given.has(klass.id)).toBe(false);
    clock += 1;
    await warm.update();
    expect(sandboxes.given.has(klass.id)).toBe(true);
    expect(warm.seats(klass.id)).toBeNull();
  });

  it('warms whole labs for a Swarm lesson, where the class is pinned, and nothing for a lesson without a sandbox', async () => {
    const lab = await make(['m/single', 'm/lab'], clock + minute, 4);
    await store.classes.pin(lab.id, 'm/lab');
    const reading = await make(['m/reading'], clock + minute, 4);
    const plain = await make(['m/single'], null, 4);
    await warm.update();
    expect(sandboxes.wanted.get(lab.id)).toBe(12);
    expect(warm.seats(lab.id)).toEqual({ warm: 2, starting: 2 });
    expect(sandboxes.wanted.has(reading.id)).toBe(false);
    expect(sandboxes.wanted.has(plain.id)).toBe(false);
  });

  it('gives the seats back when the class ends, and those of a class a previous run warmed that no longer starts', async () => {
    const klass = await make(['m/single'], clock + minute);
    await warm.update();
    await store.classes.end(klass.id);
    await warm.update();
    expect(sandboxes.given.has(klass.id)).toBe(true);
    // Seats adopted after a restart, for a class this store does not warm.
    sandboxes.warm('f'.repeat(32), 3);
    await warm.update();
    expect(sandboxes.given.has('f'.repeat(32))).toBe(true);
  });
});

describe('warm seats on cells', () => {
  it('warms on each cell only the classes made on it', async () => {
    const [mine, theirs] = [await make(['m/single'], clock + minute, 4), await make(['m/single'], clock + minute, 4)];
    // As PostgreSQL gives them to the cells (SQLite, of one server, keeps no cell).
    const cellOf: Record<string, string> = { [mine.id]: 'cell-1', [theirs.id]: 'cell-2' };
    const shared: Store = { ...store, classes: { ...store.classes, startingBetween: async (from, to) => (await store.classes.startingBetween(from, to)).map((klass) => ({ ...klass, cell: cellOf[klass.id]! })) } };
    const onCell = createWarmSeats({ config: { warmBeforeMs: 10 * minute, warmGraceMs: 15 * minute }, store: shared, sandboxes, nodesOf: async () => 1, cell: 'cell-1', now: () => clock });
    await onCell.update();
    onCell.stop();
    expect(sandboxes.wanted.get(mine.id)).toBe(4);
    expect(sandboxes.wanted.has(theirs.id)).toBe(false);
  });
});
