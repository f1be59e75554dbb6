import '#server-only';
import { isOver } from '.';
import type { SandboxManager } from '../sandbox/manager';
import { seatShare, type CellDirectory } from '../server/cell';
import { log } from '../server/log';
import type { ClassRecord, Store } from '../store';

export interface WarmConfig {
  /** How long before a class's start time its seats are warmed. */
  warmBeforeMs: number;
  /** How long after the start unused warm seats are kept for latecomers. */
  warmGraceMs: number;
}

/** A class's seats as its dashboard shows them: ready for a learner, and on their way. */
export interface WarmSeatCount {
  warm: number;
  starting: number;
}

export interface WarmSeatsDeps {
  config: WarmConfig;
  store: Store;
  sandboxes: Pick<SandboxManager, 'warm' | 'unwarm' | 'warmOf' | 'warmClasses'>;
  /** Sandboxes one learner needs in a lesson (`module/lesson`): 1, a lab's nodes, 0 for none; null when it is no lesson. */
  nodesOf: (locale: string, lesson: string) => Promise<number | null>;
  /** The cells of the course, which share each class's seats (null on one server: it keeps them all). */
  cells?: Pick<CellDirectory, 'name' | 'openCells'> | null;
  now?: () => number;
  /** How often the classes to warm are looked for. */
  intervalMs?: number;
}

export type WarmSeats = ReturnType<typeof createWarmSeats>;

/**
 * Classes that start warm, so a whole class does not wait for cold starts together. From `warmBeforeMs`
 * before a class's start time, the seats nobody has taken yet (its capacity less its members) are kept
 * ready, each of the kind the lesson its learners land on needs (a single sandbox, or a lab's nodes).
 * Members take theirs when they join; those still unused `warmGraceMs` after the start go back, and all
 * go when the class ends. The seats live in the sandbox supply, which starts them paced and below
 * learners who wait; this only says how many each class wants.
 */
export function createWarmSeats({ config, store, sandboxes, nodesOf, cells = null, now = Date.now, intervalMs = 5000 }: WarmSeatsDeps) {
  /** Sandboxes per seat of each class being warmed. */
  const perSeat = new Map<string, number>();
  const pass: { running: Promise<void> | null; next: Promise<void> | null } = { running: null, next: null };

  /** The lesson a member lands on when they join: where the class is pinned, else its first lesson. */
  const nodesPerSeat = async (klass: ClassRecord) => (await nodesOf(klass.locale, klass.pinned ?? klass.lessons[0]!)) ?? 0;

  /** Seats this server keeps: every untaken one on its own, else its share of the class's over the open cells. */
  async function seatsHere(klass: ClassRecord, open: string[] | null): Promise<number> {
    const members = await store.classes.members(klass.id);
    const untaken = Math.max(0, klass.capacity - members.length);
    if (!cells || !open) return untaken;
    const places = await store.learnerPlaces(members.map((member) => member.learner));
    const seatedHere = members.filter((member) => places.get(member.learner)?.cell === cells.name).length;
    return Math.min(untaken, seatShare(klass.capacity, open, cells.name, seatedHere));
  }

  async function adjust(): Promise<void> {
    const at = now();
    const keep = new Set<string>();
    const open = cells && (await cells.openCells());
    // Both ends inclusive: the grace time is over at its last millisecond, the warming begins at its first.
    for (const klass of await store.classes.startingBetween(at - config.warmGraceMs + 1, at + config.warmBeforeMs)) {
      const nodes = isOver(klass, at) ? 0 : await nodesPerSeat(klass);
      if (!nodes) continue;
      keep.add(klass.id);
      perSeat.set(klass.id, nodes);
      sandboxes.warm(klass.id, (await seatsHere(klass, open)) * nodes);
    }
    // Classes past their grace time, ended, or gone (seats a previous run left for them included).
    for (const id of sandboxes.warmClasses.filter((id) => !keep.has(id))) {
      perSeat.delete(id);
      await sandboxes.unwarm(id);
    }
  }

  /** Brings every class's warm seats up to date: one pass at a time, and one more after it for every change during it. */
  function update(): Promise<void> {
    if (pass.running) {
      pass.next ??= pass.running.then(() => {
        pass.next = null;
        return update();
      });
      return pass.next;
    }
    pass.running = adjust()
      .catch((error: Error) => log.error('class.warm.failed', { error }))
      .finally(() => (pass.running = null));
    return pass.running;
  }

  /** The class's seats, warm and starting; null when none are kept for it. */
  function seats(classId: string): WarmSeatCount | null {
    const sandboxesNow = sandboxes.warmOf(classId);
    const nodes = perSeat.get(classId);
    if (!sandboxesNow || !nodes) return null;
    const warm = Math.floor(sandboxesNow.ready / nodes);
    return { warm, starting: Math.ceil((sandboxesNow.ready + sandboxesNow.starting) / nodes) - warm };
  }

  const timer = setInterval(() => void update(), intervalMs);
  timer.unref();

  return {
    /** After a class is made, joined or ended: its seats follow at once instead of at the next look. */
    update,
    seats,
    /** Warm seats ready now, by class: what this cell tells the others. */
    ready(): Record<string, number> {
      return Object.fromEntries([...perSeat.keys()].map((id) => [id, seats(id)?.warm ?? 0]));
    },
    stop: () => clearInterval(timer),
  };
}
