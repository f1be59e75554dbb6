import type { Engine } from './engine';
import { Coalescer, DaemonEvents } from './events';

/**
 * The TCP ports published by `docker ps --format '{{.Ports}}'`, one container per line, e.g.
 * "0.0.0.0:8080->80/tcp, :::8080->80/tcp". Ports bound to 127.0.0.1 only are not reachable from outside.
 */
export function parsePublishedPorts(text: string): number[] {
  const ports = new Set<number>();
  for (const match of text.matchAll(/(?:^|[\s,])(0\.0\.0\.0|\[?::\]?):(\d+)->\d+\/tcp/g)) ports.add(Number(match[2]));
  return [...ports].filter((port) => port >= 1 && port <= 65535).sort((a, b) => a - b);
}

type Listener = (ports: number[]) => void;

// After an event, wait this long for the rest of a burst (compose starts several containers at once).
const timing = { settleMs: 150, maxWaitMs: 1000 };

async function publishedPorts(engine: Engine, id: string): Promise<number[] | null> {
  const { exitCode, stdout } = await engine.run(id, ['docker', 'ps', '--format', '{{.Ports}}']).catch(() => ({ exitCode: 1, stdout: '' }));
  return exitCode === 0 ? parsePublishedPorts(stdout) : null;
}

/**
 * What one sandbox publishes, kept current from its daemon's event stream (shared with the state
 * panel), for every listener (the learner's tabs); it stops following when the last one leaves.
 */
class PortWatch {
  private listeners = new Set<Listener>();
  private unfollow: (() => void) | null = null;
  private readonly refresher = new Coalescer(() => this.refresh(), timing);
  current: number[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly events: DaemonEvents,
    private readonly id: string,
    private readonly onIdle: () => void,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1)
      this.unfollow = this.events.subscribe(this.id, (event) => {
        if (!event || event.type === 'container') this.refresher.poke();
      });
    else listener(this.current);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size) return;
      this.refresher.dispose();
      this.unfollow?.();
      this.onIdle();
    };
  }

  private async refresh() {
    const ports = await publishedPorts(this.engine, this.id);
    if (!ports || ports.join() === this.current.join()) return;
    this.current = ports;
    for (const listener of this.listeners) listener(ports);
  }
}

/** The port watches of all sandboxes, by container id. */
export class PortWatches {
  private readonly watches = new Map<string, PortWatch>();

  /** `events` is the one event stream per sandbox that the port watch shares with the state panel. */
  constructor(
    private readonly engine: Engine,
    private readonly events = new DaemonEvents(engine),
  ) {}

  subscribe(id: string, listener: Listener): () => void {
    let watch = this.watches.get(id);
    if (!watch) {
      watch = new PortWatch(this.engine, this.events, id, () => this.watches.delete(id));
      this.watches.set(id, watch);
    }
    return watch.subscribe(listener);
  }

  /** The ports a sandbox publishes now: known already while a terminal watches it, else asked. */
  async ports(id: string): Promise<number[]> {
    return this.watches.get(id)?.current ?? (await publishedPorts(this.engine, id)) ?? [];
  }
}
