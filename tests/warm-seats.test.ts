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
  it('shares a class’s seats over the open cells, less the members already seated on each', async () => {
    const klass = await make(['m/single'], clock + minute, 5);
    const seated = new Map<string, { cell: string; nodes: number }>();
    // As PostgreSQL tells the cells where members are (SQLite, of one server, keeps no places).
    const shared: Store = { ...store, learnerPlaces: async (learners) => new Map(learners.flatMap((l) => (seated.has(l) ? [[l, seated.get(l)!] as const] : []))) };
    let open = ['cell-1', 'cell-2'];
    const onCell = (name: string, cellSandboxes: FakeSandboxes) =>
      createWarmSeats({ config: { warmBeforeMs: 10 * minute, warmGraceMs: 15 * minute }, store: shared, sandboxes: cellSandboxes, nodesOf: async () => 1, cells: { name, openCells: async () => open }, now: () => clock });
    const [one, two] = [new FakeSandboxes(), new FakeSandboxes()];
    const cells = [onCell('cell-1', one), onCell('cell-2', two)];
    const settle = () => Promise.all(cells.map((cell) => cell.update()));
    await settle();
    expect([one.wanted.get(klass.id), two.wanted.get(klass.id)]).toEqual([3, 2]);

    // Two members take seats on cell-2: its share is spent, cell-1 keeps its own.
    for (const name of ['ann', 'bo']) {
      await store.classes.join(klass.id, name, name);
      seated.set(name, { cell: 'cell-2', nodes: 1 });
    }
    await settle();
    expect([one.wanted.get(klass.id), two.wanted.get(klass.id)]).toEqual([3, 0]);

    // cell-2 drains: cell-1 keeps what is left of the class, and no more than the untaken seats.
    open = ['cell-1'];
    await settle();
    expect([one.wanted.get(klass.id), two.wanted.get(klass.id)]).toEqual([3, 0]);
    expect(cells[0]!.ready()).toEqual({ [klass.id]: 1 });
    cells.forEach((cell) => cell.stop());
  });
});
