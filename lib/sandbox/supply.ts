import '#server-only';
import { randomBytes } from 'node:crypto';
import type { SandboxConfig } from '../server/config';
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
}

export type WaitListener = (wait: Wait) => void;

/** A sandbox that really failed to start, twice for the same learner. */
export class StartFailed extends Error {}

// Pool members are named so that a restarted server knows them again.
const poolName = () => `course-pool-${randomBytes(6).toString('hex')}`;
export const poolPattern = /^course-pool-[0-9a-f]{12}$/;

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

/**
 * Ready sandboxes for learners: a warm pool, starts paced to `config.starts` at a time within the
 * capacity, and a first-come queue that every finished start serves before the pool. A slow start is
 * waited for while it makes progress; one that really fails is replaced once, then its learner is told.
 */
export class SandboxSupply {
  private pool: string[] = [];
  private starting = 0;
  private queue: Request[] = [];
  private readonly times = new StartTimes(2_000);
  private poolPausedUntil = 0;
  /** Sandboxes handed out and not yet given back: they hold places within the capacity. */
  private out = 0;

  constructor(
    private readonly engine: Pick<Engine, 'create' | 'waitReady' | 'startFirstShell' | 'remove' | 'rename'>,
    private readonly config: SandboxConfig,
    private readonly now: () => number = Date.now,
  ) {}

  get counts() {
    return { pooled: this.pool.length, starting: this.starting, queued: this.queue.length };
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

  /** `count` ready sandboxes: warm ones, new ones, or after waiting in the queue. */
  take(count: number, listener: WaitListener = () => {}, signal?: AbortSignal): Promise<string[]> {
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
      this.queue.push(request);
      this.pump();
    });
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
    const poolWanted = this.now() >= this.poolPausedUntil ? Math.max(0, this.config.poolSize - this.pool.length) : 0;
    const wanted = this.waitingNodes() + poolWanted - this.starting;
    const free = Math.min(this.config.starts - this.starting, this.room());
    for (let i = 0; i < Math.min(wanted, free); i++) void this.startOne();
    this.tell();
  }

  private async startOne(): Promise<void> {
    this.starting++;
    const began = this.now();
    try {
      const id = await this.engine.create(poolName(), this.config);
      try {
        await this.engine.waitReady(id, this.config.stallMs);
        await this.engine.startFirstShell(id);
      } catch (error) {
        await this.engine.remove(id).catch(() => {});
        throw error;
      }
      this.times.add(this.now() - began);
      this.pool.push(id);
    } catch (error) {
      this.failed(error as Error);
    } finally {
      this.starting--;
      this.pump();
    }
  }

  /** The learner who has waited longest gets one more start; after a second failure they are told. */
  private failed(error: Error): void {
    console.error(`sandbox start: ${error.message}`);
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

  private drop(request: Request): void {
    this.queue = this.queue.filter((r) => r !== request);
    // Sandboxes already handed to a learner who left serve the next one.
    this.pool.unshift(...request.given.splice(0));
    this.pump();
  }

  private waitingNodes(): number {
    return this.queue.reduce((n, request) => n + request.missing, 0);
  }

  /** Places left within the capacity: every sandbox handed out, pooled, starting or set aside for a lab counts. */
  private room(): number {
    const held = this.queue.reduce((n, request) => n + request.given.length, 0);
    return this.config.capacity - this.out - this.pool.length - this.starting - held;
  }

  /** Tells each waiting learner their place and estimate, when it changed. */
  private tell(): void {
    // Starts that finish serve the queue in order; those beyond what may start now wait for a place.
    const startable = this.starting + Math.max(0, this.room());
    let nodes = 0;
    this.queue.forEach((request, ahead) => {
      nodes += request.missing;
      const full = nodes > startable;
      const wait: Wait = { ahead, full, etaMs: full ? null : Math.round((nodes * this.times.mean) / this.config.starts), retrying: request.failures > 0 };
      const told = JSON.stringify({ ...wait, etaMs: wait.etaMs === null ? null : Math.ceil(wait.etaMs / 1000) });
      if (told === request.told) return;
      request.told = told;
      request.listener(wait);
    });
  }
}
