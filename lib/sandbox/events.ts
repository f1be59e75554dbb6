import '#server-only';
import type { PassThrough } from 'node:stream';
import type { Engine } from './engine';

/** One line of `docker events`: what kind of object changed ("container", "network", …) and how. */
export interface DaemonEvent {
  type: string;
  action: string;
}

/** An event, or null when the stream (re)started and anything may have changed meanwhile. */
type Listener = (event: DaemonEvent | null) => void;

const retryMs = 1000;
/** While the daemon is down, each try costs an exec: it is asked less often. */
const downRetryMs = 3000;
/** A line longer than this is not one of ours; dropping it bounds the buffer. */
const maxLineBytes = 4096;

/** Parses the lines `docker events --format '{{.Type}} {{.Action}}'` prints. */
export function parseEventLines(text: string): DaemonEvent[] {
  return text
    .split('\n')
    .map((line) => /^(\S+) (\S+)/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, type, action]) => ({ type: type!, action: action! }));
}

/** Told by the stream itself: the daemon answers (and the events follow), or it stopped answering. */
export const daemonUp: DaemonEvent = { type: 'daemon', action: 'up' };
export const daemonDown: DaemonEvent = { type: 'daemon', action: 'down' };
const isDaemonUp = (event: DaemonEvent) => event.type === daemonUp.type && event.action === daemonUp.action;

// The daemon is asked first, so that a stream that starts says at once whether anyone answers.
const followCommand = ['sh', '-c', `docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || exit 1; echo '${daemonUp.type} ${daemonUp.action}'; exec docker events --format '{{.Type}} {{.Action}}'`];

/**
 * One `docker events` stream of one sandbox, shared by every listener (the port watch, the state panel
 * of all the learner's tabs, the watchdog): each exec costs the sandbox's single CPU, so there is never a
 * second. It ends when the last listener leaves and follows again when the daemon restarts; listeners
 * hear null once it answers (anything may have changed meanwhile), and `daemonDown` when it stops.
 */
class EventStream {
  private listeners = new Set<Listener>();
  private events: PassThrough | null = null;
  private timer: NodeJS.Timeout | undefined;
  private partial = '';
  /** Whether the daemon answered the last time it was asked; null before the first answer. */
  private up: boolean | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly id: string,
    private readonly onIdle: () => void,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) void this.follow();
    // A later listener joins a stream that runs already: it learns the state once, as on a restart.
    else if (this.up !== null) listener(this.up ? null : daemonDown);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size) return;
      clearTimeout(this.timer);
      this.events?.destroy();
      this.events = null;
      this.up = null;
      this.onIdle();
    };
  }

  private emit(event: DaemonEvent | null) {
    for (const listener of this.listeners) listener(event);
  }

  private async follow() {
    try {
      const events = await this.engine.stream(this.id, followCommand);
      if (!this.listeners.size) return void events.destroy();
      this.events = events;
      this.partial = '';
      events.on('data', (chunk: Buffer) => {
        const text = this.partial + chunk.toString('utf8');
        const end = text.lastIndexOf('\n');
        this.partial = text.slice(end + 1).slice(-maxLineBytes);
        for (const event of parseEventLines(text.slice(0, end + 1))) {
          if (!isDaemonUp(event)) this.emit(event);
          else if (this.up !== true) {
            this.up = true;
            this.emit(null);
          }
        }
      });
      // The daemon stopped or the exec broke: follow again while anyone listens, less often while it is down.
      events.on('end', () => {
        if (this.events !== events) return;
        this.events = null;
        this.wentDown();
      });
    } catch {
      this.wentDown();
    }
  }

  private wentDown() {
    if (!this.listeners.size) return;
    const wasUp = this.up;
    if (wasUp !== false) {
      this.up = false;
      this.emit(daemonDown);
    }
    this.timer = setTimeout(() => void this.follow(), wasUp ? retryMs : downRetryMs);
  }
}

/**
 * What a watcher of one sandbox (its ports, its picture) shares: its listeners (the learner's tabs),
 * and the sandbox's event stream while it has any.
 */
export abstract class SandboxWatch<L> {
  protected readonly listeners = new Set<L>();
  private unfollow: (() => void) | null = null;

  constructor(
    protected readonly engine: Engine,
    private readonly events: DaemonEvents,
    protected readonly id: string,
    private readonly onIdle: () => void,
  ) {}

  subscribe(listener: L): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.unfollow = this.events.subscribe(this.id, (event) => this.onEvent(event));
    else this.greet(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size) return;
      this.stop();
      this.unfollow?.();
      this.onIdle();
    };
  }

  /** An event, or null when anything may have changed (the stream started or restarted). */
  protected abstract onEvent(event: DaemonEvent | null): void;
  /** A listener that joins later learns what is known already. */
  protected abstract greet(listener: L): void;
  /** The last listener left. */
  protected abstract stop(): void;
}

/** One watcher per sandbox (by container id), made for its first listener and forgotten when idle. */
export class PerSandbox<T> {
  private readonly items = new Map<string, T>();

  constructor(private readonly make: (id: string, onIdle: () => void) => T) {}

  get(id: string): T {
    let item = this.items.get(id);
    if (!item) {
      item = this.make(id, () => this.items.delete(id));
      this.items.set(id, item);
    }
    return item;
  }

  /** The sandbox's watcher if anyone listens to it now. */
  find(id: string): T | undefined {
    return this.items.get(id);
  }

  get size(): number {
    return this.items.size;
  }
}

/** The event streams of all sandboxes. */
export class DaemonEvents {
  private readonly streams = new PerSandbox((id, onIdle) => new EventStream(this.engine, id, onIdle));

  constructor(private readonly engine: Engine) {}

  subscribe(id: string, listener: Listener): () => void {
    return this.streams.get(id).subscribe(listener);
  }

  /** Sandboxes with a running stream, for tests. */
  get count(): number {
    return this.streams.size;
  }
}

/**
 * Runs `task` once a burst of events has settled: `settleMs` after the last event, but no later than
 * `maxWaitMs` after the first, so a storm still shows progress. Never two at once: events during a run
 * make one more run after it. `onBusy` tells when events are waiting to be reflected (or the last
 * run failed), and when not.
 */
export class Coalescer {
  private timer: NodeJS.Timeout | undefined;
  private firstEventAt = 0;
  private dirty = false;
  private running = false;
  private busy = false;
  private disposed = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly timing: { settleMs: number; maxWaitMs: number },
    private readonly onBusy: (busy: boolean) => void = () => {},
  ) {}

  /** Something changed. */
  poke(): void {
    if (this.disposed) return;
    if (!this.dirty) this.firstEventAt = Date.now();
    this.dirty = true;
    this.setBusy(true);
    if (!this.running) this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private schedule() {
    clearTimeout(this.timer);
    const wait = Math.min(this.timing.settleMs, this.firstEventAt + this.timing.maxWaitMs - Date.now());
    this.timer = setTimeout(() => void this.run(), Math.max(0, wait));
  }

  private async run() {
    this.dirty = false;
    this.running = true;
    let failed = false;
    try {
      await this.task();
    } catch {
      // Still behind: the task arranges its own retry, or the next event tries again.
      failed = true;
    }
    this.running = false;
    if (this.disposed) return;
    if (this.dirty) this.schedule();
    else if (!failed) this.setBusy(false);
  }

  private setBusy(busy: boolean) {
    if (busy === this.busy) return;
    this.busy = busy;
    this.onBusy(busy);
  }
}
