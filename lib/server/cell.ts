import '#server-only';
import { createServer, type Server } from 'node:net';
import type { Store } from '../store';

/**
 * A cell is one course server with its own engine and sandboxes; HAProxy spreads new learners over the
 * cells and keeps each learner on theirs (README, "More than one machine"). What a cell says about itself:
 * - `open`: it takes new learners, the more the more room it has;
 * - `full` and `draining`: it takes no new learners but keeps serving its own, which a plain health check
 *   marked down would not (their sandboxes live here);
 * - `down`: it cannot serve anyone (not ready, or its engine does not answer).
 */
export type CellState = 'open' | 'full' | 'draining' | 'down';

export interface CellReading {
  ready: boolean;
  engineReachable: boolean;
  draining: boolean;
  /** Places a new learner could still have, and all of them. */
  free: number;
  total: number;
}

export function cellState({ ready, engineReachable, draining, free }: CellReading): CellState {
  if (!ready || !engineReachable) return 'down';
  if (draining) return 'draining';
  return free > 0 ? 'open' : 'full';
}

/**
 * The answer to HAProxy's agent check: one line of words HAProxy knows. `ready` ends an earlier drain and
 * the weight, a share of the server's configured weight, follows the room left; `drain` keeps the learners
 * who have the cell's cookie and sends no one new.
 */
export function agentAnswer(reading: CellReading): string {
  const state = cellState(reading);
  if (state === 'down') return 'down\n';
  if (state !== 'open') return 'drain\n';
  const share = Math.max(1, Math.min(100, Math.round((100 * reading.free) / Math.max(1, reading.total))));
  return `ready up ${share}%\n`;
}

/** How long an agent connection may stay open: HAProxy reads one line and closes. */
const agentTimeoutMs = 2000;

/** HAProxy's agent check on its own port: a TCP connection gets one line and is closed; what it sends is ignored. */
export function startAgent(port: number, host: string, read: () => Promise<CellReading>, onError: (error: unknown) => void): Server {
  const server = createServer((socket) => {
    socket.setTimeout(agentTimeoutMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('data', () => {});
    read().then(
      (reading) => socket.end(agentAnswer(reading)),
      (error: unknown) => {
        onError(error);
        socket.end('down\n');
      },
    );
  });
  server.on('error', onError);
  server.listen(port, host);
  return server;
}

type PlaceStore = Pick<Store, 'placeLearner' | 'learnerPlaces'>;

/**
 * Where learners' sandboxes are among the cells, kept in the shared store as sandboxes come and go here;
 * and who arrived with their last sandbox on another cell, which lost it (that cell stopped, and HAProxy
 * sent them here), so their terminal can say why their sandbox is new.
 */
export class LearnerPlaces {
  private readonly arrivals = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: PlaceStore,
    private readonly cell: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The learner's sandbox here is ready (`nodes` 1) or has grown. */
  leased(session: string, nodes: number): void {
    const placed = (nodes === 1 ? this.store.learnerPlaces([session]) : Promise.resolve(new Map())).then(async (places) => {
      const before = places.get(session);
      await this.store.placeLearner(session, this.cell, nodes);
      return before !== undefined && before.cell !== this.cell && before.nodes > 0;
    });
    const arrived = placed.catch((error: unknown) => (this.onError(error), false));
    if (nodes === 1) this.arrivals.set(session, arrived);
  }

  ended(session: string): void {
    this.arrivals.delete(session);
    this.store.placeLearner(session, this.cell, 0).catch(this.onError);
  }

  /** Whether the learner's new sandbox here replaces one a lost cell held; told once. */
  async movedHere(session: string): Promise<boolean> {
    const arrived = this.arrivals.get(session);
    this.arrivals.delete(session);
    return (await arrived) ?? false;
  }
}

/** How often a cell reports itself to the others, and how long a report stands for a cell that stopped. */
const reportEveryMs = 5000;
const reportStandsMs = 15_000;

/**
 * The cells of the course as the shared store knows them: each reports every few seconds whether it takes
 * newcomers and how many warm seats it holds for each class, so the cells can share a class's seats and
 * send its members to where a seat is ready.
 */
export class CellDirectory {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: Pick<Store, 'cells'>,
    readonly name: string,
    /** This cell takes newcomers now: up and not draining. */
    private readonly isOpen: () => Promise<boolean>,
    /** Warm seats ready here, by class. */
    private readonly warm: () => Record<string, number>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Reports now and every few seconds, once the cell serves. */
  start(): void {
    this.timer = setInterval(() => void this.report(), reportEveryMs);
    this.timer.unref();
    void this.report();
  }

  /** The open cells by name, in one order every cell agrees on; this one by its state now, not its last report. */
  async openCells(): Promise<string[]> {
    const open = new Set((await this.store.cells.recent(reportStandsMs)).filter((report) => report.open).map((report) => report.cell));
    if (await this.isOpen()) open.add(this.name);
    else open.delete(this.name);
    return [...open].sort();
  }

  /** Warm seats ready for the class on the other open cells. */
  async warmElsewhere(classId: string): Promise<number> {
    return (await this.othersOpen()).reduce((sum, report) => sum + (report.warm[classId] ?? 0), 0);
  }

  /** The open cell with the most warm seats ready for the class: this one when it has as many as any; null when none has one. */
  async warmestFor(classId: string): Promise<string | null> {
    const here = (await this.isOpen()) ? (this.warm()[classId] ?? 0) : 0;
    let best = { cell: this.name, seats: here };
    for (const report of await this.othersOpen()) {
      const seats = report.warm[classId] ?? 0;
      if (seats > best.seats) best = { cell: report.cell, seats };
    }
    return best.seats > 0 ? best.cell : null;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The other cells' reports that stand, of those open. */
  private async othersOpen() {
    return (await this.store.cells.recent(reportStandsMs)).filter((report) => report.open && report.cell !== this.name);
  }

  private async report() {
    try {
      await this.store.cells.report({ cell: this.name, open: await this.isOpen(), warm: this.warm() });
    } catch (error) {
      this.onError(error);
    }
  }
}

/**
 * A cell's share of a class's seats: the capacity split evenly over the open cells (`cells`, in their
 * agreed order; the first ones take one more when it does not divide), less the members already seated
 * on this cell. Zero for a cell that is not open.
 */
export function seatShare(capacity: number, cells: readonly string[], cell: string, seatedHere: number): number {
  const index = cells.indexOf(cell);
  if (index < 0) return 0;
  const share = Math.floor(capacity / cells.length) + (index < capacity % cells.length ? 1 : 0);
  return Math.max(0, share - seatedHere);
}
