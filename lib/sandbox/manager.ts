import '#server-only';
import { EventEmitter } from 'node:events';
import type { SandboxConfig } from '../server/config';
import { log } from '../server/log';
import { nodeName } from '../terminal-protocol';
import type { Engine } from './engine';
import { poolPattern, SandboxSupply, type Wait, type WaitListener } from './supply';

/** A sandbox given to one learner session: one Docker host, or the nodes of a lab. */
export interface Lease {
  session: string;
  /** Container ids by node: node1 first. A lesson that needs a lab adds nodes to the learner's sandbox. */
  nodes: string[];
  assignedAt: number;
  /** Time the learner added to the time limit (see extend). */
  extendedMs: number;
  lastActive: number;
  warned: Set<WarningReason>;
  /** A terminal has used it; until then it is a lesson page's claim, given back when no terminal comes. */
  used: boolean;
}

export type WarningReason = 'ttl' | 'idle';
/** Why a lease ended; a class's instructor can reset a learner's sandbox or end the class. */
export type EndReason = 'expired' | 'idle' | 'reset' | 'gone' | 'instructorReset' | 'classEnded';

/** A lease's end coming soon; for the time limit, also what an extension would add now (0: no more). */
export type Warning = { reason: 'idle'; endsAt: number } | { reason: 'ttl'; endsAt: number; extendMs: number };
export type Deadlines = ReturnType<SandboxManager['deadlines']>;
/** Why an extension was refused: no sandbox, not near its time limit yet, or it has had all the time it may. */
export type ExtendRefusal = 'noSandbox' | 'tooEarly' | 'atMost';

interface Events {
  warning: [session: string, warning: Warning];
  /** The lease's warnings are over (more time, or activity after an idle warning): here are its deadlines now. */
  renewed: [session: string, deadlines: Deadlines];
  ended: [session: string, reason: EndReason];
  /** The learner's sandbox is ready, or has grown: `nodes` machines now. */
  leased: [session: string, nodes: number];
  /** A new sandbox became ready, after this long; for the operators' metrics. */
  started: [durationMs: number];
}

/** What a leased container's name says: whose it is, since when, how much time was added, and which node of the lab. */
export interface LeaseName {
  session: string;
  assignedAt: number;
  extendedMs: number;
  /** Counted from 1; node1 is the learner's sandbox itself. */
  node: number;
}

// Names carry the state that must survive a server restart: pool members (see supply.ts), and leases
// with their session, start time and added time. Docker lets us rename a container but not relabel it.
// The added time is left out until there is some, so names made before extensions existed still read.
const leasePattern = /^course-s-([0-9a-f]{32})-([0-9a-z]+)(?:-x([0-9a-z]+))?(?:-n([2-9]))?$/;
export const leaseName = ({ session, assignedAt, extendedMs, node }: LeaseName) =>
  `course-s-${session}-${assignedAt.toString(36)}${extendedMs > 0 ? `-x${extendedMs.toString(36)}` : ''}${node > 1 ? `-n${node}` : ''}`;
export function parseLeaseName(name: string): LeaseName | null {
  const match = leasePattern.exec(name);
  if (!match) return null;
  return { session: match[1]!, assignedAt: parseInt(match[2]!, 36), extendedMs: match[3] ? parseInt(match[3], 36) : 0, node: match[4] ? Number(match[4]) : 1 };
}
/** The private network that joins the nodes of one learner's lab. */
export const labNetworkName = (session: string) => `course-lab-${session}`;

/** One piece of work per session at a time: a second caller waits for the first one's result. */
function shared<T>(running: Map<string, Promise<T>>, session: string, start: () => Promise<T>): Promise<T> {
  let work = running.get(session);
  if (!work) {
    work = start().finally(() => running.delete(session));
    running.set(session, work);
  }
  return work;
}

/**
 * Everyone waiting for one learner's sandbox hears how the queue moves, whoever asked first: a lesson
 * page's claim starts the wait, and its terminal, connecting a moment later, joins it.
 */
class WaitBroadcast {
  private readonly listeners = new Set<WaitListener>();
  private last: Wait | null = null;

  readonly tell = (wait: Wait) => {
    this.last = wait;
    for (const listener of this.listeners) listener(wait);
  };

  /** Adds a listener, tells it where the wait stands, and returns how to leave (true when none is left). */
  join(listener: WaitListener): () => boolean {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    return () => {
      this.listeners.delete(listener);
      return this.listeners.size === 0;
    };
  }
}

/**
 * Owns every sandbox given to a learner: one lease per learner session (a lab's nodes included),
 * expiry by time-to-live and idleness with a warning first, and adoption after a restart. Ready
 * sandboxes come from the supply, which paces starts and queues learners.
 */
export class SandboxManager extends EventEmitter<Events> {
  private readonly leases = new Map<string, Lease>();
  private readonly acquiring = new Map<string, Promise<Lease>>();
  private readonly growing = new Map<string, Promise<void>>();
  private readonly extending = new Map<string, Promise<Deadlines | ExtendRefusal>>();
  private readonly waits = new Map<string, WaitBroadcast>();
  private readonly supply: SandboxSupply;
  private timer: NodeJS.Timeout | undefined;
  private reaping = false;
  private adopted = false;

  constructor(
    private readonly engine: Engine,
    private readonly config: SandboxConfig,
    private readonly now: () => number = Date.now,
    /** The class whose warm seats a learner may take (the one they joined), if any. */
    private readonly classOf: (session: string) => Promise<string | null> = async () => null,
  ) {
    super();
    this.supply = new SandboxSupply(engine, config, now, (ms) => this.emit('started', ms));
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
      const name = parseLeaseName(sandbox.name);
      if (name?.node === 1 && sandbox.running) {
        const { session, assignedAt, extendedMs } = name;
        const lease: Lease = { session, nodes: [sandbox.id], assignedAt, extendedMs, lastActive: now, warned: new Set(), used: true };
        if (now < this.deadlines(lease).expiresAt) this.leases.set(session, lease);
        else stray.push(sandbox.id);
      } else if (!name && sandbox.running && poolPattern.test(sandbox.name) && this.supply.adopt(sandbox.id)) {
        continue;
      } else if (!name && sandbox.running && this.supply.adoptWarm(sandbox.name, sandbox.id)) {
        continue;
      } else if (!name || name.node === 1) {
        stray.push(sandbox.id);
      }
    }
    // Further nodes of a lab join their node1, in order; those of a lease that did not survive go. Node1's
    // name alone says how much time was added: a node renamed before a crash cut an extension short still belongs.
    for (const sandbox of sandboxes) {
      const name = parseLeaseName(sandbox.name);
      if (!name || name.node === 1) continue;
      const owner = this.leases.get(name.session);
      if (owner && owner.assignedAt === name.assignedAt) owner.nodes[name.node - 1] = sandbox.id;
      else stray.push(sandbox.id);
    }
    for (const lease of this.leases.values()) lease.nodes = lease.nodes.filter(Boolean);
    this.supply.holdAdopted([...this.leases.values()].reduce((n, lease) => n + lease.nodes.length, 0));
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
    const nodes = [...this.leases.values()].reduce((n, lease) => n + lease.nodes.length, 0);
    return { leased: this.leases.size, nodes, ...this.supply.counts };
  }

  /** Keeps `count` sandboxes warm for the members of a class yet to come; only once adoption has brought back those a previous run left. */
  warm(classId: string, count: number): void {
    if (this.adopted) this.supply.reserve(classId, count);
  }

  /** The class's warm seats go, and their places with them. */
  unwarm(classId: string): Promise<void> {
    return this.supply.unreserve(classId);
  }

  /** A class's warm sandboxes, ready and starting; null when it has none. */
  warmOf(classId: string): { ready: number; starting: number } | null {
    return this.supply.reserved(classId);
  }

  /** The classes that hold warm seats. */
  get warmClasses(): string[] {
    return this.supply.reserveIds;
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
   * The learner's sandbox: theirs already, or ready ones from the supply (which may queue the learner
   * and tell them how long). Asking for `nodes` > 1 makes it node1 of a lab with the other nodes beside
   * it; a new learner's lab is asked for whole, so it takes one place in the queue.
   */
  async acquire(session: string, onWait: WaitListener = () => {}, signal?: AbortSignal, nodes = 1): Promise<Lease> {
    const lease = await this.prepare(session, onWait, signal, nodes);
    lease.used = true;
    return lease;
  }

  /**
   * Starts getting the learner's sandbox (or lab) ready while their lesson page loads, so the terminal
   * finds it waiting. Unused for `claimMs`, it goes back to the pool.
   */
  claim(session: string, nodes: number): void {
    if (this.leases.has(session) || this.acquiring.has(session)) return;
    this.prepare(session, () => {}, undefined, nodes).catch(() => {});
  }

  private async prepare(session: string, onWait: WaitListener, signal: AbortSignal | undefined, nodes: number): Promise<Lease> {
    const waits = this.waits.get(session) ?? new WaitBroadcast();
    this.waits.set(session, waits);
    const leave = waits.join(onWait);
    try {
      const lease = this.leases.get(session) ?? (await shared(this.acquiring, session, () => this.assign(session, nodes, waits.tell, signal)));
      // A tab that opens is activity, and ends an idle warning the learner's other tabs show.
      this.touch(session);
      while (lease.nodes.length < nodes) {
        await shared(this.growing, session, async () => this.addNodes(lease, await this.supply.take(nodes - lease.nodes.length, waits.tell, signal, (await this.classOf(session)) ?? undefined)));
      }
      return lease;
    } finally {
      if (leave()) this.waits.delete(session);
    }
  }

  private async assign(session: string, nodes: number, onWait: WaitListener, signal?: AbortSignal): Promise<Lease> {
    const [first, ...more] = await this.supply.take(nodes, onWait, signal, (await this.classOf(session)) ?? undefined);
    const assignedAt = this.now();
    try {
      await this.engine.rename(first!, leaseName({ session, assignedAt, extendedMs: 0, node: 1 }));
    } catch (error) {
      await this.release([first!, ...more]);
      throw error;
    }
    const lease: Lease = { session, nodes: [first!], assignedAt, extendedMs: 0, lastActive: assignedAt, warned: new Set(), used: false };
    this.leases.set(session, lease);
    this.emit('leased', session, 1);
    // Registered with the lease, so another tab of the lab waits for these nodes instead of asking again.
    if (more.length) void shared(this.growing, session, () => this.addNodes(lease, more)).catch(() => {});
    return lease;
  }

  /** Makes ready sandboxes the next nodes of the lease's lab, all on one private network where each is known by name. */
  private async addNodes(lease: Lease, ids: string[]): Promise<void> {
    try {
      const network = labNetworkName(lease.session);
      await this.engine.createLabNetwork(network, this.config.instance);
      await this.engine.joinLab(lease.nodes[0]!, network, nodeName(0));
      await Promise.all(ids.map((id, i) => this.makeNode(lease, lease.nodes.length + i, id)));
      if (this.leases.get(lease.session) !== lease) throw new Error('the sandbox ended while its lab was being built');
    } catch (error) {
      await this.release(ids);
      throw error;
    }
    lease.nodes.push(...ids);
    this.emit('leased', lease.session, lease.nodes.length);
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
    await this.release([lease.nodes[index]!]);
    const [id] = await this.supply.take(1);
    try {
      await this.makeNode(lease, index, id!);
    } catch (error) {
      await this.release([id!]);
      throw error;
    }
    if (this.leases.get(lease.session) === lease) lease.nodes[index] = id!;
    else await this.release([id!]);
  }

  /** A ready sandbox made node `index` of the lease's lab: named for it, and on the lab's network. */
  private async makeNode(lease: Lease, index: number, id: string): Promise<void> {
    await this.engine.rename(id, this.nameOf(lease, index));
    await this.engine.joinLab(id, labNetworkName(lease.session), nodeName(index));
  }

  /** Marks the learner active: idleness is counted from the last keystroke, check or output of their shells. */
  touch(session: string): void {
    const lease = this.leases.get(session);
    if (!lease) return;
    lease.lastActive = this.now();
    // Every tab of the learner shows the idle warning: each hears that it is over.
    if (lease.warned.delete('idle')) this.emit('renewed', session, this.deadlines(lease));
  }

  /** When the lease ends, by time limit (with the time added) or idleness, whichever comes first. */
  deadlines(lease: Lease) {
    return { expiresAt: lease.assignedAt + this.config.ttlMs + lease.extendedMs, idleEndsAt: lease.lastActive + this.config.idleMs, idleMs: this.config.idleMs };
  }

  /** What an extension would add now: a whole one, or what is left of the most time a sandbox may have. */
  private extensionOf(lease: Lease): number {
    return Math.max(0, Math.min(this.config.extendMs, lease.assignedAt + this.config.maxMs - this.deadlines(lease).expiresAt));
  }

  /**
   * Moves the learner's time limit later, once its warning is due (so time cannot be hoarded ahead):
   * by one extension, up to the most time a sandbox may have. Two tabs asking at once extend once.
   */
  extend(session: string): Promise<Deadlines | ExtendRefusal> {
    return shared(this.extending, session, () => this.lengthen(session));
  }

  private async lengthen(session: string): Promise<Deadlines | ExtendRefusal> {
    const lease = this.leases.get(session);
    if (!lease) return 'noSandbox';
    if (this.deadlines(lease).expiresAt - this.now() > this.config.warnMs) return 'tooEarly';
    const more = this.extensionOf(lease);
    if (more <= 0) return 'atMost';
    // Node1's name first: an extension it does not carry would be lost to a restart (see adopt).
    await this.engine.rename(lease.nodes[0]!, this.nameOf(lease, 0, lease.extendedMs + more));
    if (this.leases.get(session) !== lease) return 'noSandbox';
    lease.extendedMs += more;
    await Promise.all(lease.nodes.slice(1).map((id, i) => this.engine.rename(id, this.nameOf(lease, i + 1)).catch(() => {})));
    lease.warned.delete('ttl');
    // Asking for more time is activity too: the one `renewed` below ends both warnings in every tab.
    lease.lastActive = this.now();
    lease.warned.delete('idle');
    const deadlines = this.deadlines(lease);
    this.emit('renewed', session, deadlines);
    return deadlines;
  }

  private nameOf(lease: Lease, index: number, extendedMs = lease.extendedMs): string {
    return leaseName({ session: lease.session, assignedAt: lease.assignedAt, extendedMs, node: index + 1 });
  }

  /** The warnings a lease is under, as they read now: a tab that opens after they were given hears them too. */
  warnings(lease: Lease): Warning[] {
    return [...lease.warned].map((reason) => this.warning(lease, reason));
  }

  private warning(lease: Lease, reason: WarningReason): Warning {
    const { expiresAt, idleEndsAt } = this.deadlines(lease);
    return reason === 'ttl' ? { reason, endsAt: expiresAt, extendMs: this.extensionOf(lease) } : { reason, endsAt: idleEndsAt };
  }

  /** Throws the learner's sandbox away; their next connection gets a fresh one. */
  async reset(session: string, reason: 'reset' | 'instructorReset' | 'classEnded' = 'reset'): Promise<void> {
    await this.end(session, reason);
  }

  /** Ends a lease whose container stopped answering, so the next acquire gives a new sandbox. */
  async discard(session: string): Promise<void> {
    await this.end(session, 'gone');
  }

  /** A claimed sandbox no terminal came for: a single one is still fresh and goes back to the pool; a lab goes. */
  private async giveBack(lease: Lease): Promise<void> {
    this.leases.delete(lease.session);
    if (lease.nodes.length > 1) {
      await this.release(lease.nodes);
      await this.engine.removeNetwork(labNetworkName(lease.session)).catch(() => {});
    } else await this.supply.giveBack(lease.nodes[0]!);
  }

  /** The one way a handed-out sandbox goes: removed, and its place given back to the supply. */
  private async release(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.engine.remove(id).catch((error: Error) => log.error('sandbox.remove.failed', { error }))));
    this.supply.release(ids.length);
  }

  private async end(session: string, reason: EndReason): Promise<void> {
    const lease = this.leases.get(session);
    if (!lease) return;
    this.leases.delete(session);
    // Told before the removal, whose broken shells would otherwise close the learner's sockets first without the reason.
    this.emit('ended', session, reason);
    await this.release(lease.nodes);
    if (lease.nodes.length > 1) await this.engine.removeNetwork(labNetworkName(session)).catch(() => {});
  }

  /** Warns, then ends, leases past their time limit or idle too long; forgets containers that died. */
  async reap(): Promise<void> {
    if (this.reaping) return;
    this.reaping = true;
    try {
      if (!this.adopted) await this.adopt();
      const sandboxes = await this.engine.list(this.config.instance);
      const running = new Set(sandboxes.filter((s) => s.running).map((s) => s.id));
      const now = this.now();
      for (const lease of [...this.leases.values()]) {
        const { expiresAt, idleEndsAt } = this.deadlines(lease);
        if (!running.has(lease.nodes[0]!)) await this.end(lease.session, 'gone');
        else if (!lease.used && now >= lease.assignedAt + this.config.claimMs) await this.giveBack(lease);
        else if (now >= expiresAt) await this.end(lease.session, 'expired');
        else if (now >= idleEndsAt) await this.end(lease.session, 'idle');
        else {
          this.warnOnce(lease, 'ttl', expiresAt, now);
          this.warnOnce(lease, 'idle', idleEndsAt, now);
        }
      }
      await this.supply.prune(running);
      // A sandbox that stopped is no one's any more (its lease ended above, a pool member was dropped), and
      // one whose removal failed while the engine was away would otherwise stay until the next restart.
      await Promise.all(sandboxes.filter((s) => s.stopped).map((s) => this.engine.remove(s.id)));
    } catch (error) {
      log.error('engine.unreachable', { error });
    } finally {
      this.reaping = false;
    }
  }

  private warnOnce(lease: Lease, reason: WarningReason, endsAt: number, now: number) {
    if (endsAt - now > this.config.warnMs || lease.warned.has(reason)) return;
    lease.warned.add(reason);
    this.emit('warning', lease.session, this.warning(lease, reason));
  }
}
