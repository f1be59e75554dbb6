import { describe, expect, it, vi } from 'vitest';
import { loadConfig, type SandboxConfig } from '@/lib/server/config';
import { SandboxSupply, StartFailed, type Wait } from '@/lib/sandbox/supply';

/** An engine whose starts finish when the test says so: the pacing and queue logic, without sandboxes. */
class FakeEngine {
  created = 0;
  removed: string[] = [];
  /** Starts under way, oldest first: finish them with ready() or fail(). */
  readonly pending: { id: string; settle: (error?: Error) => void }[] = [];
  most = 0;

  /** The engine is restarting: it answers nothing. */
  away = false;
  async ping(): Promise<void> {
    if (this.away) throw new Error('connect ENOENT /run/docker-course/engine.sock');
  }
  async create(): Promise<string> {
    if (this.away) throw new Error('connect ENOENT /run/docker-course/engine.sock');
    return `sandbox-${++this.created}`;
  }
  waitReady(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, settle: (error) => (error ? reject(error) : resolve()) });
      this.most = Math.max(this.most, this.pending.length);
    });
  }
  async remove(id: string): Promise<void> {
    this.removed.push(id);
  }
  async startFirstShell(): Promise<void> {}
  readonly renamed: string[] = [];
  /** The last name each sandbox was given. */
  readonly names = new Map<string, string>();
  async rename(id: string, name: string): Promise<void> {
    this.renamed.push(id);
    this.names.set(id, name);
  }
  async ready(count = 1) {
    for (let i = 0; i < count; i++) this.pending.shift()!.settle();
    await settle();
  }
  async fail(message = 'the sandbox stopped while starting (exit code 1)') {
    this.pending.shift()!.settle(new Error(message));
    await settle();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const base = loadConfig({ COURSE_SECRET: 'test' }).sandbox;

function supplyOf(overrides: Partial<SandboxConfig>) {
  const engine = new FakeEngine();
  const supply = new SandboxSupply(engine as never, { ...base, poolSize: 0, capacity: 40, starts: 2, ...overrides });
  return { engine, supply };
}

/** A learner asking for `count` sandboxes, remembering what they were told and what they got. */
function learner(supply: SandboxSupply, count = 1, signal?: AbortSignal, classId?: string) {
  const waits: Wait[] = [];
  const result: { ids?: string[]; error?: unknown } = {};
  supply.take(count, (wait) => waits.push(wait), signal, classId).then(
    (ids) => (result.ids = ids),
    (error) => (result.error = error),
  );
  return { waits, result, last: () => waits.at(-1) };
}

describe('sandbox supply', () => {
  it('starts at most `starts` sandboxes at once and serves learners first come, first served', async () => {
    const { engine, supply } = supplyOf({ starts: 3 });
    const learners = Array.from({ length: 10 }, () => learner(supply));
    await settle();
    expect(engine.pending).toHaveLength(3);
    while (engine.pending.length) await engine.ready();
    expect(engine.most).toBe(3);
    expect(engine.created).toBe(10);
    expect(learners.map((l) => l.result.ids)).toEqual(learners.map((_, i) => [`sandbox-${i + 1}`]));
  });

  it('tells each learner how many are ahead and about how long, both shrinking as starts finish', async () => {
    const { engine, supply } = supplyOf({ starts: 2 });
    const learners = Array.from({ length: 5 }, () => learner(supply));
    await settle();
    const fifth = learners[4]!;
    expect(fifth.last()).toMatchObject({ ahead: 4, full: false, retrying: false });
    const firstEta = fifth.last()!.etaMs!;
    expect(firstEta).toBeGreaterThan(0);
    await engine.ready(2);
    expect(fifth.last()!.ahead).toBe(2);
    expect(fifth.last()!.etaMs!).toBeLessThan(firstEta);
  });

  it('fills its pool only below waiting learners', async () => {
    const { engine, supply } = supplyOf({ poolSize: 2, starts: 2 });
    supply.pump();
    await settle();
    expect(engine.pending).toHaveLength(2);
    const first = learner(supply);
    await engine.ready();
    // The start that was meant for the pool went to the learner who was waiting.
    expect(first.result.ids).toEqual(['sandbox-1']);
    await engine.ready(2);
    expect(supply.counts.pooled).toBe(2);
    // From the pool at once: no wait is told.
    const second = learner(supply);
    await settle();
    expect(second.result.ids).toEqual(['sandbox-2']);
    expect(second.waits).toEqual([]);
  });

  it('keeps within the capacity, says when every place is taken, and starts one when someone leaves', async () => {
    const { engine, supply } = supplyOf({ capacity: 4, starts: 2 });
    // Three places are held by learners a previous run of the server left.
    supply.holdAdopted(3);
    const first = learner(supply);
    const second = learner(supply);
    await settle();
    expect(engine.pending).toHaveLength(1);
    expect(first.last()).toMatchObject({ ahead: 0, full: false });
    expect(second.last()).toEqual({ ahead: 1, full: true, etaMs: null, retrying: false, engineAway: false });
    await engine.ready();
    expect(first.result.ids).toHaveLength(1);
    expect(engine.pending).toHaveLength(0);
    supply.release(1);
    await settle();
    expect(second.last()).toMatchObject({ ahead: 0, full: false });
    await engine.ready();
    expect(second.result.ids).toHaveLength(1);
  });

  it('hands a lab its nodes together, as one place in the queue', async () => {
    const { engine, supply } = supplyOf({ starts: 2 });
    const lab = learner(supply, 3);
    const single = learner(supply);
    await settle();
    expect(single.last()).toMatchObject({ ahead: 1 });
    await engine.ready(2);
    expect(lab.result.ids).toBeUndefined();
    await engine.ready();
    expect(lab.result.ids).toEqual(['sandbox-1', 'sandbox-2', 'sandbox-3']);
    await engine.ready();
    expect(single.result.ids).toEqual(['sandbox-4']);
  });

  it('replaces a failed start once, says so, and tells the learner plainly after a second failure', async () => {
    const { engine, supply } = supplyOf({ starts: 1 });
    const unlucky = learner(supply);
    await settle();
    await engine.fail();
    expect(unlucky.last()).toMatchObject({ retrying: true });
    expect(engine.removed).toEqual(['sandbox-1']);
    await engine.fail();
    expect(unlucky.result.error).toBeInstanceOf(StartFailed);
    expect((unlucky.result.error as Error).message).toMatch(/exit code 1/);
    const next = learner(supply);
    await settle();
    await engine.ready();
    expect(next.result.ids).toEqual(['sandbox-3']);
  });

  it('holds learners while the engine is away, fails none of them, says why, and starts their sandboxes once it is back', async () => {
    vi.useFakeTimers();
    try {
      const { engine, supply } = supplyOf({ starts: 1 });
      engine.away = true;
      const waiting = learner(supply);
      // Many tries while the engine restarts: more than the two failures that would end a learner's wait.
      await vi.advanceTimersByTimeAsync(10_000);
      expect(waiting.result).toEqual({});
      expect(waiting.last()).toMatchObject({ engineAway: true, retrying: false });
      engine.away = false;
      await vi.advanceTimersByTimeAsync(2_000);
      engine.pending.shift()!.settle();
      await vi.advanceTimersByTimeAsync(0);
      expect(waiting.result.ids).toEqual(['sandbox-1']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives what a learner who left was handed to the next one', async () => {
    const { engine, supply } = supplyOf({ starts: 1 });
    const leaving = new AbortController();
    const lab = learner(supply, 2, leaving.signal);
    const next = learner(supply);
    await settle();
    await engine.ready();
    leaving.abort(new Error('socket closed'));
    await settle();
    expect(lab.result.error).toEqual(new Error('socket closed'));
    expect(next.result.ids).toEqual(['sandbox-1']);
    // The lab's second start, already under way, fills the pool instead.
    await engine.ready();
    expect(supply.counts.pooled).toBe(1);
  });

  it('takes back a sandbox no terminal came for: warm in the pool while there is room, else removed', async () => {
    const { engine, supply } = supplyOf({ poolSize: 1, capacity: 3, starts: 1 });
    supply.holdAdopted(2);
    await supply.giveBack('claimed-1');
    expect(supply.counts.pooled).toBe(1);
    expect(engine.renamed).toEqual(['claimed-1']);
    await supply.giveBack('claimed-2');
    expect(engine.removed).toEqual(['claimed-2']);
    // Both places are free again: a learner gets the warm one at once.
    const learnerA = learner(supply);
    await settle();
    expect(learnerA.result.ids).toEqual(['claimed-1']);
  });

  it('refuses at once a lab larger than the capacity', async () => {
    const { supply } = supplyOf({ capacity: 2 });
    await expect(supply.take(3)).rejects.toBeInstanceOf(StartFailed);
  });
});

describe('warm seats of a class', () => {
  const monday = 'a'.repeat(32);
  const member = (supply: SandboxSupply, count = 1) => learner(supply, count, undefined, monday);

  it('fills them after learners who wait and before the pool, names them for the class, and hands them only to its members', async () => {
    const { engine, supply } = supplyOf({ poolSize: 1, starts: 2 });
    supply.reserve(monday, 3);
    await settle();
    const stranger = learner(supply);
    await engine.ready();
    // The first start to finish went to the learner who was waiting, not to the class.
    expect(stranger.result.ids).toEqual(['sandbox-1']);
    while (engine.pending.length) await engine.ready();
    expect(engine.created).toBe(5);
    expect(supply.counts).toMatchObject({ warm: 3, pooled: 1 });
    expect(supply.reserved(monday)).toEqual({ ready: 3, starting: 0 });
    for (const id of ['sandbox-2', 'sandbox-3', 'sandbox-4']) expect(engine.names.get(id)).toMatch(new RegExp(`^course-warm-${monday}-[0-9a-f]{12}$`));

    // Someone outside the class gets the pool, not a warm seat; a member gets one at once.
    const other = learner(supply);
    await settle();
    expect(other.result.ids).toEqual(['sandbox-5']);
    const first = member(supply);
    await settle();
    expect(first.result.ids).toEqual(['sandbox-2']);
    expect(first.waits).toEqual([]);
    expect(supply.reserved(monday)).toEqual({ ready: 2, starting: 0 });
    // The seat taken is not started again: the class wants one fewer.
    while (engine.pending.length) await engine.ready();
    expect(engine.created).toBe(6);
    expect(supply.counts).toMatchObject({ warm: 2, pooled: 1 });
  });

  it('says how many are starting for the class, and starts none beyond the capacity', async () => {
    const { engine, supply } = supplyOf({ capacity: 4, starts: 2 });
    supply.holdAdopted(1);
    supply.reserve(monday, 5);
    await settle();
    expect(supply.reserved(monday)).toEqual({ ready: 0, starting: 2 });
    await engine.ready(2);
    expect(supply.reserved(monday)).toEqual({ ready: 2, starting: 1 });
    await engine.ready();
    expect(supply.reserved(monday)).toEqual({ ready: 3, starting: 0 });
    expect(engine.created).toBe(3);
    // Every place is held: a learner outside the class is told so.
    const stranger = learner(supply);
    await settle();
    expect(stranger.last()).toMatchObject({ full: true });
  });

  it('lets late members take what is left, then start like anyone else', async () => {
    const { engine, supply } = supplyOf({ starts: 2 });
    supply.reserve(monday, 1);
    await settle();
    await engine.ready();
    supply.reserve(monday, 0);
    const early = member(supply);
    const late = member(supply);
    await settle();
    expect(early.result.ids).toEqual(['sandbox-1']);
    expect(late.result.ids).toBeUndefined();
    expect(late.last()).toMatchObject({ ahead: 0 });
    await engine.ready();
    expect(late.result.ids).toEqual(['sandbox-2']);
  });

  it('hands a member whose lesson is a lab a whole lab of warm nodes', async () => {
    const { engine, supply } = supplyOf({ starts: 3 });
    supply.reserve(monday, 6);
    await settle();
    while (engine.pending.length) await engine.ready();
    const lab = member(supply, 3);
    await settle();
    expect(lab.result.ids).toHaveLength(3);
    expect(supply.reserved(monday)).toEqual({ ready: 3, starting: 0 });
  });

  it('gives the seats back when the class no longer keeps them: removed, and their places serve others', async () => {
    const { engine, supply } = supplyOf({ capacity: 2, starts: 2 });
    supply.reserve(monday, 2);
    await settle();
    await engine.ready(2);
    const stranger = learner(supply);
    await settle();
    expect(stranger.last()).toMatchObject({ full: true });
    await supply.unreserve(monday);
    expect(engine.removed).toEqual(['sandbox-1', 'sandbox-2']);
    expect(supply.reserved(monday)).toBeNull();
    await engine.ready();
    expect(stranger.result.ids).toEqual(['sandbox-3']);
  });

  it('removes a seat that became ready after its class gave them back', async () => {
    const { engine, supply } = supplyOf({ starts: 1 });
    supply.reserve(monday, 1);
    await settle();
    void supply.unreserve(monday);
    await engine.ready();
    expect(engine.removed).toEqual([]);
    expect(supply.counts).toMatchObject({ warm: 0, pooled: 1 });
  });

  it('adopts the warm seats a previous run left, by their names, for their class, and starts no more until told', async () => {
    const { engine, supply } = supplyOf({ starts: 2 });
    expect(supply.adoptWarm(`course-warm-${monday}-0123456789ab`, 'left-1')).toBe(true);
    expect(supply.adoptWarm(`course-warm-${monday}-ba9876543210`, 'left-2')).toBe(true);
    expect(supply.adoptWarm('course-pool-0123456789ab', 'pooled')).toBe(false);
    expect(supply.reserveIds).toEqual([monday]);
    supply.pump();
    await settle();
    expect(engine.created).toBe(0);
    expect(supply.reserved(monday)).toEqual({ ready: 2, starting: 0 });
    const first = member(supply);
    await settle();
    expect(first.result.ids).toEqual(['left-1']);
    // One that died is forgotten, and another starts in its place.
    await supply.prune(new Set(['left-1']));
    expect(supply.reserved(monday)).toEqual({ ready: 0, starting: 1 });
    expect(engine.created).toBe(1);
  });
});
