import '#server-only';
import type { DiskArea, DiskUsage, Rescue, Trouble, TroubleKind } from '../terminal-protocol';
import type { Engine } from './engine';
import { daemonDown, PerSandbox, SandboxWatch, type DaemonEvent, type DaemonEvents } from './events';

type Listener = (trouble: Trouble) => void;

export interface WatchdogConfig {
  instance: string;
  /** How often the engine is asked for a watched sandbox's counters: the longest a fork bomb goes unseen. */
  pollMs: number;
  memoryBytes: number;
}

/** Processes at this share of the limit: a runaway, as nothing a lesson runs comes near it. */
const processesHigh = 0.95;
/** ...and below this share again, it is over. */
const processesLow = 0.8;
/** A disk with less room than this is full: writes already fail. */
const fullBelowKib = 1024;
/** The disks are looked at (one exec) only after the sandbox's files grew or shrank by this much. */
const diskCheckAfterBytes = 1024 * 1024;
/** Room lent to the sandbox, above its process limit, for the processes that stop a runaway. */
const rescueRoom = 64;
/** A group smaller than this is not what fills the process table. */
const runawayAtLeast = 16;

const home = '/home/learner';
const areas: Record<string, DiskArea> = { [home]: 'home', [`${home}/.local/share/docker`]: 'docker', '/tmp': 'tmp' };

/** One process of the sandbox, from its /proc/PID/stat line. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  session: number;
  name: string;
}

/** Parses `pid (name) state ppid pgrp session …` lines; a name may itself hold spaces and parentheses. */
export function parseProcessTable(text: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const open = line.indexOf('(');
    const close = line.lastIndexOf(')');
    if (open < 0 || close < open) continue;
    const [, ppid, , session] = line.slice(close + 2).split(' ').map(Number);
    const pid = Number(line.slice(0, open).trim());
    if ([pid, ppid, session].every(Number.isInteger)) entries.push({ pid, ppid: ppid!, session: session!, name: line.slice(open + 1, close) });
  }
  return entries;
}

/**
 * A group of processes the learner started, found again in every new process table: those of the
 * shells of their tabs (tmux's children, which lead their sessions: a background job whose parent
 * ended stays in the session), or those of one of their containers (under its shim).
 */
export type ProcessGroup = { from: 'shells'; shells: number[] } | { from: 'container'; shim: number };

/** Every descendant of `root`, not the root itself. */
function descendants(table: ProcessEntry[], root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const next = [root];
  while (next.length) for (const child of children.get(next.pop()!) ?? []) found.push(child), next.push(child);
  return found;
}

/** The group's processes in this table; the shells themselves stay, so each tab keeps its prompt. */
export function membersOf(table: ProcessEntry[], group: ProcessGroup): number[] {
  if (group.from === 'container') return descendants(table, group.shim);
  return table.filter((p) => group.shells.includes(p.session) && !group.shells.includes(p.pid)).map((p) => p.pid);
}

/**
 * The group that fills the process table: the biggest of the learner's shells' and their containers'
 * (never tmux or the Docker daemon). Null when none is big enough to be a runaway.
 */
export function findRunaway(table: ProcessEntry[]): ProcessGroup | null {
  const tmux = table.filter((p) => p.name.startsWith('tmux')).map((p) => p.pid);
  const groups: ProcessGroup[] = [
    { from: 'shells', shells: table.filter((p) => tmux.includes(p.ppid)).map((p) => p.pid) },
    ...table.filter((p) => p.name.startsWith('containerd-shim')).map((shim): ProcessGroup => ({ from: 'container', shim: shim.pid })),
  ];
  const sized = groups.map((group) => ({ group, size: membersOf(table, group).length })).sort((a, b) => b.size - a.size);
  return sized[0] && sized[0].size >= runawayAtLeast ? sized[0].group : null;
}

/** Parses `df -Pk` lines: the disks with less room than a write needs. */
export function fullAreas(df: string): DiskArea[] {
  const full: DiskArea[] = [];
  for (const line of df.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const area = areas[fields[5] ?? ''];
    if (area && Number(fields[3]) < fullBelowKib) full.push(area);
  }
  return full;
}

/** Parses the usage script's output: Docker's summary, a separator, then the biggest folders. */
export function parseDiskUsage(text: string): DiskUsage {
  const [docker = '', folders = ''] = text.split('---\n');
  return {
    docker: docker
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .map(([type = '', size = '', reclaimable = '']) => ({ type, size, reclaimable })),
    folders: folders
      .split('\n')
      .map((line) => /^(\d+)\s+(.+)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([, kib, path]) => ({ path: path!, kib: Number(kib) })),
  };
}

// Shell builtins only (read, echo, the glob): the table must be read when the sandbox has no process to spare.
const readProcessTable = 'for d in /proc/[0-9]*; do { read -r l <"$d/stat"; } 2>/dev/null && echo "$l"; done';
const readDisks = `df -Pk ${home} ${home}/.local/share/docker /tmp`;
const readDiskUsage = `docker system df --format '{{.Type}}\t{{.Size}}\t{{.Reclaimable}}' 2>/dev/null; echo ---; du -xsk ${home}/* ${home}/.[!.]* /tmp/* 2>/dev/null | sort -rn | head -5`;

/**
 * The watchdog of one sandbox while a terminal shows it. From outside, at no cost to the sandbox's CPU, it
 * reads the engine's counters (processes, page cache) every few seconds; it looks at the disks (one exec)
 * only when the files grew or shrank; it hears from the shared event stream when the Docker daemon stops,
 * and from the engine when the kernel kills a process for memory.
 */
class SandboxHealth extends SandboxWatch<Listener> {
  private readonly troubles = new Map<TroubleKind, Trouble>();
  private timer: NodeJS.Timeout | undefined;
  private cacheAtDiskCheck: number | null = null;
  private polling = false;

  constructor(
    engine: Engine,
    events: DaemonEvents,
    id: string,
    onIdle: () => void,
    private readonly config: WatchdogConfig,
    private readonly noticed: (kind: TroubleKind) => void,
  ) {
    super(engine, events, id, onIdle);
  }

  override subscribe(listener: Listener): () => void {
    const unsubscribe = super.subscribe(listener);
    // The first look comes a round later: a class arriving at once does not ask the engine all together.
    this.timer ??= setInterval(() => void this.poll(), this.config.pollMs);
    return unsubscribe;
  }

  /** The kernel killed a process of the sandbox (or of one of its containers) for memory. */
  outOfMemory(): void {
    this.tell({ kind: 'memory', active: true, limitBytes: this.config.memoryBytes });
  }

  /** Looks again at once, after a rescue changed things. */
  recheck(): Promise<void> {
    this.cacheAtDiskCheck = null;
    return this.poll();
  }

  protected onEvent(event: DaemonEvent | null): void {
    if (!event) this.set({ kind: 'daemon', active: false });
    else if (event.type === daemonDown.type && event.action === daemonDown.action) void this.confirmDaemonDown();
  }

  protected greet(listener: Listener): void {
    for (const trouble of this.troubles.values()) listener(trouble);
  }

  protected stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { pids, pidsLimit, cacheBytes } = await this.engine.usage(this.id);
      const processes = this.troubles.get('processes');
      if (pidsLimit > 0 && pids >= pidsLimit * processesHigh && !processes?.active) this.set({ kind: 'processes', active: true, limit: pidsLimit });
      else if (processes?.active && pids < pidsLimit * processesLow) this.set({ ...processes, active: false });
      // A full process table leaves no room for the exec that reads the disks.
      if (!this.troubles.get('processes')?.active && (this.cacheAtDiskCheck === null || Math.abs(cacheBytes - this.cacheAtDiskCheck) >= diskCheckAfterBytes)) {
        this.cacheAtDiskCheck = cacheBytes;
        await this.checkDisks();
      }
    } catch {
      // The sandbox is going or the engine is busy: the next round asks again.
    } finally {
      this.polling = false;
    }
  }

  private async checkDisks(): Promise<void> {
    const full = fullAreas((await this.engine.run(this.id, ['sh', '-c', readDisks], { timeoutMs: 10_000 })).stdout);
    const known = this.troubles.get('disk') as Extract<Trouble, { kind: 'disk' }> | undefined;
    if (!full.length) {
      if (known?.active) this.set({ ...known, active: false });
      return;
    }
    if (known?.active && known.full.join() === full.join()) return;
    const usage = await this.engine
      .run(this.id, ['sh', '-c', readDiskUsage], { timeoutMs: 20_000 })
      .then(({ stdout }) => parseDiskUsage(stdout))
      .catch(() => null);
    this.set({ kind: 'disk', active: true, full, usage });
  }

  /** The event stream ended: the daemon stopped, unless it answers after all (an exec that broke). */
  private async confirmDaemonDown(): Promise<void> {
    const answers = await this.engine
      .run(this.id, ['sandbox-ready'], { timeoutMs: 5000 })
      .then(({ exitCode }) => exitCode === 0)
      .catch(() => true);
    if (!answers) this.set({ kind: 'daemon', active: true });
  }

  /** Records a trouble that lasts, telling listeners when it begins or ends. */
  private set(trouble: Trouble): void {
    const known = this.troubles.get(trouble.kind);
    if (!trouble.active && !known?.active) return;
    this.troubles.set(trouble.kind, trouble);
    this.tell(trouble);
  }

  private tell(trouble: Trouble): void {
    if (trouble.active) this.noticed(trouble.kind);
    for (const listener of this.listeners) listener(trouble);
  }
}

/** What a rescue did: how many processes it stopped and where they came from, or the command's output (lib/client/sandbox.ts has its twin). */
export type RescueResult = { stopped: number; from: ProcessGroup['from'] | null } | { output: string };

/**
 * The watchdog of every sandbox a terminal shows, and the ways out it offers. The engine's events of
 * all sandboxes (out-of-memory kills) come on one stream; the rest is per sandbox (SandboxHealth).
 */
export class Watchdog {
  private readonly sandboxes = new PerSandbox((id, onIdle) => new SandboxHealth(this.engine, this.events, id, onIdle, this.config, this.noticed));
  private unfollow: (() => void) | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly events: DaemonEvents,
    private readonly config: WatchdogConfig,
    /** Told of every trouble found, by kind (the operator's metrics count them). */
    private readonly noticed: (kind: TroubleKind) => void = () => {},
  ) {}

  start(): void {
    this.unfollow = this.engine.followSandboxEvents(this.config.instance, ['oom'], (id) => this.sandboxes.find(id)?.outOfMemory());
  }

  stop(): void {
    this.unfollow?.();
  }

  /** Watches the sandbox while anyone listens; a listener hears what is wrong now, then every change. */
  subscribe(id: string, listener: Listener): () => void {
    return this.sandboxes.get(id).subscribe(listener);
  }

  async rescue(id: string, rescue: Rescue): Promise<RescueResult> {
    const result = await (rescue === 'stopRunaway' ? this.stopRunaway(id) : rescue === 'prune' ? this.prune(id) : this.restartDaemon(id));
    await this.sandboxes.find(id)?.recheck();
    return result;
  }

  /**
   * Stops the runaway processes from outside: the sandbox has no process to spare for the exec that
   * would do it, so it is lent a few above its limit for the moment. Each round stops (SIGSTOP) what it
   * finds, so nothing forks while the rest is found, then kills them all.
   */
  private async stopRunaway(id: string): Promise<RescueResult> {
    const { pidsLimit } = await this.engine.usage(id);
    await this.engine.limitProcesses(id, pidsLimit + rescueRoom);
    try {
      let table = await this.processTable(id);
      const runaway = findRunaway(table);
      if (!runaway) return { stopped: 0, from: null };
      const stopped = new Set<number>();
      for (let round = 0; round < 10; round++, table = await this.processTable(id)) {
        const fresh = membersOf(table, runaway).filter((pid) => !stopped.has(pid));
        if (!fresh.length) break;
        await this.signal(id, fresh, 'STOP');
        fresh.forEach((pid) => stopped.add(pid));
      }
      await this.signal(id, [...stopped], 'KILL');
      return { stopped: stopped.size, from: runaway.from };
    } finally {
      await this.engine.limitProcesses(id, pidsLimit);
    }
  }

  private async processTable(id: string): Promise<ProcessEntry[]> {
    return parseProcessTable((await this.engine.run(id, ['sh', '-c', readProcessTable], { user: 'root', timeoutMs: 15_000 })).stdout);
  }

  private async signal(id: string, pids: number[], signal: 'STOP' | 'KILL'): Promise<void> {
    // kill is a builtin too; a process that ended meanwhile is no error worth stopping for.
    if (pids.length) await this.engine.run(id, ['sh', '-c', 'kill -s "$0" "$@" 2>/dev/null; true', signal, ...pids.map(String)], { user: 'root', timeoutMs: 15_000 });
  }

  private async prune(id: string): Promise<RescueResult> {
    const { stdout, stderr } = await this.engine.run(id, ['docker', 'system', 'prune', '--force'], { timeoutMs: 120_000 });
    return { output: (stdout + stderr).trim().split('\n').slice(-1)[0] ?? '' };
  }

  private async restartDaemon(id: string): Promise<RescueResult> {
    const { exitCode, stderr } = await this.engine.run(id, ['sandbox-daemon', 'restart'], { timeoutMs: 10_000 });
    if (exitCode !== 0) throw new Error(stderr.trim() || 'the daemon did not restart');
    await this.engine.waitReady(id, 30_000);
    return { output: '' };
  }
}
