import '#server-only';
import { randomBytes } from 'node:crypto';
import type { SandboxConfig } from '../server/config';
import { log } from '../server/log';
import type { Engine } from './engine';

/** What a learner waiting for a sandbox is told, and told again as the queue moves. */
export interface Wait {
  /** Learners whose sandboxes come first. */
  ahead: number;
  /** Until this learner's sandbox is ready, from the measured start rate; null while every place is taken. */
  etaMs: number | null;
  /** Every place is taken: the learner waits for someone to leave. */
  full: boolean;
  /** A start for this learner failed and another is under way. */
  retrying: boolean;
  /** The sandbox engine does not answer (it is restarting, or down): starts resume when it is back. */
  engineAway: boolean;
}

export type WaitListener = (wait: Wait) => void;

/** A sandbox that really failed to start, twice for the same learner. */
export class StartFailed extends Error {}

// Pool members are named so that a restarted server knows them again.
const poolName = () => `course-pool-${randomBytes(6).toString('hex')}`;
export const poolPattern = /^course-pool-[0-9a-f]{12}$/;
// A class's warm seats carry its id (32 hex digits), so a restarted server gives them back to that class.
const warmName = (reserve: string) => `course-warm-${reserve}-${randomBytes(6).toString('hex')}`;
export const warmPattern = /^course-warm-([0-9a-f]{32})-[0-9a-f]{12}$/;

/** A learner's demand: `count` sandboxes at once (the nodes of a lab count each), handed over together. */
class Request {
  readonly given: string[] = [];
  failures = 0;
  /** What the learner was last told, so an unchanged wait is not sent again. */
  told = '';

  constructor(
    readonly count: number,
    readonly listener: WaitListener,
    readonly resolve: (ids: string[]) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  get missing() {
    return this.count - this.given.length;
  }
}

/**
 * Ready sandboxes set aside for the members of one class (its warm seats): filled after learners who
 * wait and before the pool, and handed only to those members.
 */
class Reserve {
  ready: string[] = [];
  /** Ready and being renamed for the class: still counted as starting. */
  arriving = 0;
  constructor(public wanted: number) {}

  /** Sandboxes it still lacks; more ready than wanted stay until taken or the reserve goes. */
  get short() {
    return Math.max(0, this.wanted - this.ready.length);
  }
}

/** A running mean that follows the machine as its load changes. */
class StartTimes {
  private meanMs: number;
  constructor(guessMs: number) {
    this.meanMs = guessMs;
  }
  add(ms: number) {
    this.meanMs = 0.7 * this.meanMs + 0.3 * ms;
  }
  get mean() {
    return this.meanMs;
  }
}

/** After a start fails with no learner waiting, pool refills pause this long, so a broken engine is not hammered. */
const poolBackoffMs = 10_000;
/** While the engine does not answer, starts are tried again this often; a start it could not make counts against no one. */
const engineRetryMs = 2_000;

/**
 * Ready sandboxes for learners: a warm pool, starts paced to `config.starts` at a time within the
 * capacity, and a first-come queue that every finished start serves before the pool. A slow start is
 * waited for while it makes progress; one that really fails is replaced once, then its learner is told.
 */
export class SandboxSupply {
  private pool: string[] = [];
  /** Warm seats by class id. */
  private readonly reserves = new Map<string, Reserve>();
  private starting = 0;
  private queue: Request[] = [];
  private readonly times = new StartTimes(2_000);
  private poolPausedUntil = 0;
  private engineAway = false;
  private startsPausedUntil = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Sandboxes handed out and not yet given back: they hold places within the capacity. */
  private out = 0;

  constructor(
    private readonly engine: Pick<Engine, 'ping' | 'create' | 'waitReady' | 'startFirstShell' | 'remove' | 'rename'>,
    private readonly config: SandboxConfig,
    private readonly now: () => number = Date.now,
    /** Told how long each new sandbox took to become ready. */
    private readonly started: (ms: number) => void = () => {},
  ) {}

  get counts() {
    return { pooled: this.pool.length, starting: this.starting, queued: this.queue.length, warm: this.sum((r) => r.ready.length) };
  }

  /** Sandboxes handed out earlier are gone (removed by their owner): their places serve the queue. */
  release(count: number): void {
    this.out -= count;
    this.pump();
  }

  /** A sandbox handed out but never used (a page claimed it and no terminal came): warm again, or gone when the pool is full. */
  async giveBack(id: string): Promise<void> {
    const wanted = this.pool.length < this.config.poolSize || this.queue.length > 0;
    if (wanted && (await this.engine.rename(id, poolName()).then(() => true, () => false))) this.pool.push(id);
    else await this.engine.remove(id).catch(() => {});
    this.release(1);
  }

  /** Sandboxes a previous run handed out, and this one adopted. */
  holdAdopted(count: number): void {
    this.out += count;
  }

  /** `count` ready sandboxes: the warm seats of the learner's class (`reserve`), pooled ones, new ones, or after waiting in the queue. */
  take(count: number, listener: WaitListener = () => {}, signal?: AbortSignal, reserve?: string): Promise<string[]> {
    signal?.throwIfAborted();
    if (count > this.config.capacity) return Promise.reject(new StartFailed(`${count} sandboxes are more than the capacity of ${this.config.capacity}`));
    return new Promise((resolve, reject) => {
      const request = new Request(
        count,
        listener,
        (ids) => {
          signal?.removeEventListener('abort', abort);
          resolve(ids);
        },
        (error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      );
      const abort = () => {
        this.drop(request);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      if (reserve !== undefined) this.takeReserved(request, reserve);
      if (!request.missing) {
        this.out += count;
        return request.resolve(request.given);
      }
      this.queue.push(request);
      this.pump();
    });
  }

  /** A member of a class takes its warm seats at once, ahead of the queue; the class then wants that many fewer. */
  private takeReserved(request: Request, id: string): void {
    const reserve = this.reserves.get(id);
    if (!reserve) return;
    request.given.push(...reserve.ready.splice(0, request.count));
    reserve.wanted = Math.max(0, reserve.wanted - request.given.length);
  }

  /** Keeps `count` ready sandboxes for a class's members who have not come yet; more ready ones stay until taken. */
  reserve(id: string, count: number): void {
    const reserve = this.reserves.get(id) ?? new Reserve(0);
    this.reserves.set(id, reserve);
    reserve.wanted = count;
    this.pump();
  }

  /** A class's warm seats go (its start is long past, or it ended): removed, and their places serve others. */
  async unreserve(id: string): Promise<void> {
    const reserve = this.reserves.get(id);
    if (!reserve) return;
    this.reserves.delete(id);
    const ids = reserve.ready.splice(0);
    // Held as handed out while they are removed, so their places are not counted free too early.
    this.out += ids.length;
    await Promise.all(ids.map((s) => this.engine.remove(s).catch(() => {})));
    this.release(ids.length);
  }

  /** The classes that have warm seats (or want some). */
  get reserveIds(): string[] {
    return [...this.reserves.keys()];
  }

  /** A class's warm seats: ready, and starting for it (starts serve waiting learners first, then classes in turn). */
  reserved(id: string): { ready: number; starting: number } | null {
    let unclaimed = this.starting - this.waitingNodes();
    for (const [other, reserve] of this.reserves) {
      const starting = Math.max(0, Math.min(reserve.short, unclaimed));
      if (other === id) return { ready: reserve.ready.length, starting };
      unclaimed -= starting;
    }
    return null;
  }

  /** A warm seat a previous run made, back in its class's reserve; until told otherwise the class wants no more. */
  adoptWarm(name: string, id: string): boolean {
    const match = warmPattern.exec(name);
    if (!match) return false;
    const reserve = this.reserves.get(match[1]!) ?? new Reserve(0);
    this.reserves.set(match[1]!, reserve);
    reserve.ready.push(id);
    reserve.wanted = reserve.ready.length;
    return true;
  }

  /** A ready sandbox a previous run left in the pool. */
  adopt(id: string): boolean {
    if (this.pool.length >= this.config.poolSize) return false;
    this.pool.push(id);
    return true;
  }

  /** Forgets pooled sandboxes that died, removes those beyond the pool's size (left by a rush), and refills. */
  async prune(running: Set<string>): Promise<void> {
    this.pool = this.pool.filter((id) => running.has(id));
    for (const reserve of this.reserves.values()) reserve.ready = reserve.ready.filter((id) => running.has(id));
    const surplus = this.queue.length ? [] : this.pool.splice(this.config.poolSize);
    await Promise.all(surplus.map((id) => this.engine.remove(id)));
    this.pump();
  }

  /** Hands ready sandboxes to the queue in order, and starts as many as are wanted, paced and within capacity. */
  pump(): void {
    while (this.queue.length && this.pool.length) {
      const head = this.queue[0]!;
      head.given.push(this.pool.shift()!);
      if (!head.missing) {
        this.queue.shift();
        this.out += head.count;
        head.resolve(head.given);
      }
    }
    const refilling = this.now() >= this.poolPausedUntil;
    const poolWanted = refilling ? Math.max(0, this.config.poolSize - this.pool.length) : 0;
    const warmWanted = refilling ? this.sum((r) => r.short) : 0;
    const wanted = this.waitingNodes() + warmWanted + poolWanted - this.starting;
    const free = this.now() < this.startsPausedUntil ? 0 : Math.min(this.config.starts - this.starting, this.room());
    for (let i = 0; i < Math.min(wanted, free); i++) void this.startOne();
    this.tell();
  }

  private async startOne(): Promise<void> {
    this.starting++;
    const began = this.now();
    try {
      const id = await this.engine.create(poolName(), this.config);
      this.engineAway = false;
      try {
        await this.engine.waitReady(id, this.config.stallMs);
        await this.engine.startFirstShell(id);
      } catch (error) {
        await this.engine.remove(id).catch(() => {});
        throw error;
      }
      const ms = this.now() - began;
      this.times.add(ms);
      this.started(ms);
      await this.place(id);
    } catch (error) {
      await this.failed(error as Error);
    } finally {
      this.starting--;
      this.pump();
    }
  }

  /** A sandbox that just became ready serves, in turn: learners who wait (through the pool), a class short of warm seats, the pool. */
  private async place(id: string): Promise<void> {
    const [classId, reserve] = this.queue.length ? [] : ([...this.reserves].find(([, r]) => r.ready.length + r.arriving < r.wanted) ?? []);
    if (!reserve) return void this.pool.push(id);
    reserve.arriving++;
    const named = await this.engine.rename(id, warmName(classId!)).then(() => true, () => false);
    reserve.arriving--;
    if (!named) this.pool.push(id);
    else if (this.reserves.get(classId!) === reserve) reserve.ready.push(id);
    else await this.engine.remove(id).catch(() => {});
  }

  /**
   * The learner who has waited longest gets one more start; after a second failure they are told. A start
   * the engine could not make because it is away fails no one: learners wait, told why, until it is back.
   */
  private async failed(error: Error): Promise<void> {
    log.error('sandbox.start.failed', { error, waiting: this.queue.length });
    if (!(await this.engine.ping().then(() => true, () => false))) return this.waitForEngine();
    const head = this.queue[0];
    if (!head) {
      this.poolPausedUntil = this.now() + poolBackoffMs;
      return;
    }
    head.failures++;
    if (head.failures < 2) return;
    this.drop(head);
    head.reject(new StartFailed(error.message));
  }

  private waitForEngine(): void {
    this.engineAway = true;
    this.startsPausedUntil = this.now() + engineRetryMs;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.pump(), engineRetryMs);
    this.retryTimer.unref();
  }

  private drop(request: Request): void {
    this.queue = this.queue.filter((r) => r !== request);
    // Sandboxes already handed to a learner who left serve the next one.
    this.pool.unshift(...request.given.splice(0));
    this.pump();
  }

  private waitingNodes(): number {
    return this.queue.reduce((n, request) => n + request.missing, 0);
  }

  /** Places left within the capacity: every sandbox handed out, pooled, warm for a class, starting or set aside for a lab counts. */
  private room(): number {
    const held = this.queue.reduce((n, request) => n + request.given.length, 0);
    return this.config.capacity - this.out - this.pool.length - this.starting - held - this.sum((r) => r.ready.length);
  }

  private sum(count: (reserve: Reserve) => number): number {
    return [...this.reserves.values()].reduce((n, reserve) => n + count(reserve), 0);
  }

  /** Tells each waiting learner their place and estimate, when it changed. */
  private tell(): void {
    // Starts that finish serve the queue in order; those beyond what may start now wait for a place.
    const startable = this.starting + Math.max(0, this.room());
    let nodes = 0;
    this.queue.forEach((request, ahead) => {
      nodes += request.missing;
      const full = nodes > startable;
      const wait: Wait = { ahead, full, etaMs: full ? null : Math.round((nodes * this.times.mean) / this.config.starts), retrying: request.failures > 0, engineAway: this.engineAway };
      const told = JSON.stringify({ ...wait, etaMs: wait.etaMs === null ? null : Math.ceil(wait.etaMs / 1000) });
      if (told === request.told) return;
      request.told = told;
      request.listener(wait);
    });
  }
}
