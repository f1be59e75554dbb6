import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { SandboxConfig } from '../config';
import type { Engine } from './engine';

/** A sandbox given to one learner session: one Docker host, or the nodes of a lab. */
export interface Lease {
  session: string;
  /** Container ids by node: node1 first. A lesson that needs a lab adds nodes to the learner's sandbox. */
  nodes: string[];
  assignedAt: number;
  lastActive: number;
  warned: Set<WarningReason>;
}

export type WarningReason = 'ttl' | 'idle';
/** Why a lease ended; a class's instructor can reset a learner's sandbox or end the class. */
export type EndReason = 'expired' | 'idle' | 'reset' | 'gone' | 'instructorReset' | 'classEnded';

interface Events {
  warning: [session: string, warning: { reason: WarningReason; endsAt: number }];
  ended: [session: string, reason: EndReason];
}

// Names carry the state that must survive a server restart: pool members, and leases with their
// session and start time. Docker lets us rename a container but not relabel it.
const poolName = () => `course-pool-${randomBytes(6).toString('hex')}`;
const leaseName = (session: string, assignedAt: number, node = 1) => `course-s-${session}-${assignedAt.toString(36)}${node > 1 ? `-n${node}` : ''}`;
const leasePattern = /^course-s-([0-9a-f]{32})-([0-9a-z]+)(?:-n([2-9]))?$/;
const poolPattern = /^course-pool-[0-9a-f]{12}$/;
/** The private network that joins the nodes of one learner's lab. */
export const labNetworkName = (session: string) => `course-lab-${session}`;
/** The largest lab a lesson can ask for (the Swarm module's: one manager, two workers). */
export const maxLabNodes = 3;
/** Nodes are called node1, node2, …: hostnames, lab network names and terminal tab names at once. */
export const nodeName = (index: number) => `node${index + 1}`;

/** One piece of work per session at a time: a second caller waits for the first one's result. */
function shared<T>(running: Map<string, Promise<T>>, session: string, start: () => Promise<T>): Promise<T> {
  let work = running.get(session);
  if (!work) {
    work = start().finally(() => running.delete(session));
    running.set(session, work);
  }
  return work;
}

interface Waiter {
  wake: () => void;
  onPosition: (position: number) => void;
}

/**
 * Owns every sandbox: a warm pool of ready ones, one lease per learner session, a queue when the
 * capacity is reached, and expiry by time-to-live and idleness with a warning first.
 */
export class SandboxManager extends EventEmitter<Events> {
  private readonly leases = new Map<string, Lease>();
  private readonly acquiring = new Map<string, Promise<Lease>>();
  private readonly growing = new Map<string, Promise<void>>();
  private pool: string[] = [];
  private creating = 0;
  private poolCreating = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reaping = false;
  private adopted = false;

  constructor(
    private readonly engine: Engine,
    private readonly config: SandboxConfig,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** Starts the reaper; adoption and the pool follow as soon as the engine answers. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.reap(), this.config.reapIntervalMs);
    this.timer.unref();
    await this.reap();
  }

  /** Takes back the sandboxes (and labs) a previous run left, and removes expired and stray ones. */
  private async adopt(): Promise<void> {
    const now = this.now();
    const sandboxes = await this.engine.list(this.config.instance);
    const stray: string[] = [];
    for (const sandbox of sandboxes) {
      const lease = leasePattern.exec(sandbox.name);
      const assignedAt = lease ? parseInt(lease[2]!, 36) : 0;
      if (lease && !lease[3] && sandbox.running && now - assignedAt < this.config.ttlMs) {
        this.leases.set(lease[1]!, { session: lease[1]!, nodes: [sandbox.id], assignedAt, lastActive: now, warned: new Set() });
      } else if (!lease && sandbox.running && poolPattern.test(sandbox.name) && this.pool.length < this.config.poolSize) {
        this.pool.push(sandbox.id);
      } else if (!lease?.[3]) {
        stray.push(sandbox.id);
      }
    }
    // Further nodes of a lab join their node1, in order; those of a lease that did not survive go.
    for (const sandbox of sandboxes) {
      const lease = leasePattern.exec(sandbox.name);
      if (!lease?.[3]) continue;
      const owner = this.leases.get(lease[1]!);
      if (owner && owner.assignedAt === parseInt(lease[2]!, 36)) owner.nodes[Number(lease[3]) - 1] = sandbox.id;
      else stray.push(sandbox.id);
    }
    for (const lease of this.leases.values()) lease.nodes = lease.nodes.filter(Boolean);
    await Promise.all(stray.map((id) => this.engine.remove(id)));
    for (const network of await this.engine.listLabNetworks(this.config.instance)) {
      const owner = [...this.leases.keys()].find((session) => labNetworkName(session) === network);
      if (!owner) await this.engine.removeNetwork(network).catch(() => {});
    }
    this.adopted = true;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get counts() {
    return { leased: this.leases.size, pooled: this.pool.length, creating: this.creating, queued: this.waiters.length };
  }

  lease(session: string): Lease | undefined {
    return this.leases.get(session);
  }

  /** The lease a container belongs to, and which node it is there. */
  findNode(test: (containerId: string) => boolean): { lease: Lease; containerId: string } | null {
    for (const lease of this.leases.values()) {
      const containerId = lease.nodes.find(test);
      if (containerId) return { lease, containerId };
    }
    return null;
  }

  /**
   * The learner's sandbox: theirs already, a warm one from the pool, a new one, or a place in the queue.
   * Asking for `nodes` > 1 makes it node1 of a lab and adds the other nodes beside it.
   */
  async acquire(session: string, onQueued: (position: number) => void = () => {}, signal?: AbortSignal, nodes = 1): Promise<Lease> {
    const lease = await this.leaseFor(session, onQueued, signal);
    if (lease.nodes.length >= nodes) return lease;
    await shared(this.growing, session, () => this.grow(lease, nodes, onQueued, signal));
    return lease;
  }

  private leaseFor(session: string, onQueued: (position: number) => void, signal?: AbortSignal): Promise<Lease> {
    const existing = this.leases.get(session);
    if (existing) {
      existing.lastActive = this.now();
      return Promise.resolve(existing);
    }
    return shared(this.acquiring, session, () => this.assign(session, onQueued, signal));
  }

  /** Adds nodes to a lease until it has `count`, all on one private network where each is known by name. */
  private async grow(lease: Lease, count: number, onQueued: (position: number) => void, signal?: AbortSignal): Promise<void> {
    const network = labNetworkName(lease.session);
    await this.engine.createLabNetwork(network, this.config.instance);
    await this.engine.joinLab(lease.nodes[0]!, network, nodeName(0));
    const indexes = Array.from({ length: count - lease.nodes.length }, (_, i) => lease.nodes.length + i);
    const added = await Promise.allSettled(
      indexes.map((index) => this.newNode(lease, index, onQueued, signal)),
    );
    const ids = added.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = added.find((result) => result.status === 'rejected');
    if (failure || this.leases.get(lease.session) !== lease) {
      await Promise.all(ids.map((id) => this.engine.remove(id)));
      throw failure ? (failure as PromiseRejectedResult).reason : new Error('the sandbox ended while its lab was being built');
    }
    lease.nodes.push(...ids);
  }

  /**
   * Puts a fresh machine in place of a lab node that stopped (a learner who ended its daemon switched it
   * off): same name, same network, a new machine, as when a real server is replaced.
   */
  async replaceNode(session: string, index: number): Promise<void> {
    const lease = this.leases.get(session);
    if (!lease || index < 1 || index >= lease.nodes.length) return;
    await shared(this.growing, session, () => this.swapNode(lease, index));
  }

  private async swapNode(lease: Lease, index: number): Promise<void> {
    await this.engine.remove(lease.nodes[index]!);
    const id = await this.newNode(lease, index, () => {});
    if (this.leases.get(lease.session) === lease) lease.nodes[index] = id;
    else await this.engine.remove(id);
  }

  /** A ready sandbox made node `index` of the lease's lab: named for it, and on the lab's network. */
  private async newNode(lease: Lease, index: number, onQueued: (position: number) => void, signal?: AbortSignal): Promise<string> {
    const id = await this.take(onQueued, signal);
    try {
      await this.engine.rename(id, leaseName(lease.session, lease.assignedAt, index + 1));
      await this.engine.joinLab(id, labNetworkName(lease.session), nodeName(index));
    } catch (error) {
      await this.engine.remove(id).catch(() => {});
      throw error;
    }
    return id;
  }

  /** Marks the learner active: idleness is counted from the last keystroke. */
  touch(session: string): void {
    const lease = this.leases.get(session);
    if (!lease) return;
    lease.lastActive = this.now();
    lease.warned.delete('idle');
  }

  /** When the lease ends, by time limit or idleness, whichever comes first. */
  deadlines(lease: Lease) {
    return { expiresAt: lease.assignedAt + this.config.ttlMs, idleEndsAt: lease.lastActive + this.config.idleMs, idleMs: this.config.idleMs };
  }

  /** Throws the learner's sandbox away; their next connection gets a fresh one. */
  async reset(session: string, reason: 'reset' | 'instructorReset' | 'classEnded' = 'reset'): Promise<void> {
    await this.end(session, reason);
  }

  /** Ends a lease whose container stopped answering, so the next acquire gives a new sandbox. */
  async discard(session: string): Promise<void> {
    await this.end(session, 'gone');
  }

  private async assign(session: string, onQueued: (position: number) => void, signal?: AbortSignal): Promise<Lease> {
    for (;;) {
      const lease = await this.claim(session, await this.take(onQueued, signal)).catch(() => null);
      if (lease) return lease;
    }
  }

  /** A ready sandbox for the caller to own: a warm one, a new one within capacity, or one after waiting. */
  private async take(onQueued: (position: number) => void, signal?: AbortSignal): Promise<string> {
    for (;;) {
      signal?.throwIfAborted();
      const pooled = this.pool.shift();
      if (pooled) {
        this.fillPool();
        return pooled;
      }
      if (this.total() < this.config.capacity) return this.createReady(poolName());
      await this.wait(onQueued, signal);
    }
  }

  private async claim(session: string, containerId: string): Promise<Lease> {
    const assignedAt = this.now();
    try {
      await this.engine.rename(containerId, leaseName(session, assignedAt));
    } catch (error) {
      await this.engine.remove(containerId).catch(() => {});
      throw error;
    }
    const lease: Lease = { session, nodes: [containerId], assignedAt, lastActive: assignedAt, warned: new Set() };
    this.leases.set(session, lease);
    return lease;
  }

  /** Every sandbox counts against the capacity, each node of a lab too. */
  private total() {
    return [...this.leases.values()].reduce((n, lease) => n + lease.nodes.length, 0) + this.pool.length + this.creating;
  }

  private async createReady(name: string): Promise<string> {
    this.creating++;
    try {
      const id = await this.engine.create(name, this.config);
      try {
        await this.engine.waitReady(id);
      } catch (error) {
        await this.engine.remove(id).catch(() => {});
        throw error;
      }
      return id;
    } finally {
      this.creating--;
    }
  }

  private fillPool(): void {
    const missing = Math.min(this.config.poolSize - this.pool.length - this.poolCreating, this.config.capacity - this.total());
    for (let i = 0; i < missing; i++) {
      this.poolCreating++;
      this.createReady(poolName())
        .then((id) => {
          this.pool.push(id);
          this.wakeNext();
        })
        .catch((error: Error) => console.error(`sandbox pool: ${error.message}`))
        .finally(() => this.poolCreating--);
    }
  }

  private wait(onQueued: (position: number) => void, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        wake: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
        onPosition: onQueued,
      };
      const abort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.announcePositions();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiters.push(waiter);
      onQueued(this.waiters.length);
    });
  }

  private wakeNext(): void {
    const next = this.waiters.shift();
    if (!next) return;
    next.wake();
    this.announcePositions();
  }

  private announcePositions(): void {
    this.waiters.forEach((waiter, index) => waiter.onPosition(index + 1));
  }

  private async end(session: string, reason: EndReason): Promise<void> {
    const lease = this.leases.get(session);
    if (!lease) return;
    this.leases.delete(session);
    // Told before the removal, whose broken shells would otherwise close the learner's sockets first without the reason.
    this.emit('ended', session, reason);
    await Promise.all(lease.nodes.map((id) => this.engine.remove(id).catch((error: Error) => console.error(`removing a sandbox: ${error.message}`))));
    if (lease.nodes.length > 1) await this.engine.removeNetwork(labNetworkName(session)).catch(() => {});
    this.wakeNext();
    this.fillPool();
  }

  /** Warns, then ends, leases past their time limit or idle too long; forgets containers that died. */
  async reap(): Promise<void> {
    if (this.reaping) return;
    this.reaping = true;
    try {
      if (!this.adopted) await this.adopt();
      const running = new Set((await this.engine.list(this.config.instance)).filter((s) => s.running).map((s) => s.id));
      this.pool = this.pool.filter((id) => running.has(id));
      const now = this.now();
      for (const lease of [...this.leases.values()]) {
        const { expiresAt, idleEndsAt } = this.deadlines(lease);
        if (!running.has(lease.nodes[0]!)) await this.end(lease.session, 'gone');
        else if (now >= expiresAt) await this.end(lease.session, 'expired');
        else if (now >= idleEndsAt) await this.end(lease.session, 'idle');
        else {
          this.warnOnce(lease, 'ttl', expiresAt, now);
          this.warnOnce(lease, 'idle', idleEndsAt, now);
        }
      }
      this.fillPool();
    } catch (error) {
      console.error(`sandbox engine: ${(error as Error).message}`);
    } finally {
      this.reaping = false;
    }
  }

  private warnOnce(lease: Lease, reason: WarningReason, endsAt: number, now: number) {
    if (endsAt - now > this.config.warnMs || lease.warned.has(reason)) return;
    lease.warned.add(reason);
    this.emit('warning', lease.session, { reason, endsAt });
  }
}
