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
