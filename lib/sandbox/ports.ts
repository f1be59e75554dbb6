import type { PassThrough } from 'node:stream';
import type { Engine } from './engine';

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
const settleMs = 150;
const retryMs = 1000;

async function publishedPorts(engine: Engine, id: string): Promise<number[] | null> {
  const { exitCode, stdout } = await engine.run(id, ['docker', 'ps', '--format', '{{.Ports}}']).catch(() => ({ exitCode: 1, stdout: '' }));
  return exitCode === 0 ? parsePublishedPorts(stdout) : null;
}

/**
 * What one sandbox publishes, kept current from its daemon's event stream: one stream per sandbox,
 * shared by every listener (the learner's tabs), ended when the last one leaves.
 */
class PortWatch {
  private listeners = new Set<Listener>();
  private events: PassThrough | null = null;
  private timer: NodeJS.Timeout | undefined;
  current: number[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly id: string,
    private readonly onIdle: () => void,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) void this.follow();
    else listener(this.current);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size) return;
      clearTimeout(this.timer);
      this.events?.destroy();
      this.events = null;
      this.onIdle();
    };
  }

  private async follow() {
    try {
      const events = await this.engine.stream(this.id, ['docker', 'events', '--filter', 'type=container', '--format', '{{.Action}}']);
      if (!this.listeners.size) return void events.destroy();
      this.events = events;
      events.on('data', () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.refresh(), settleMs);
      });
      // The daemon restarted or the exec broke: follow again while anyone listens.
      events.on('end', () => {
        if (this.events !== events) return;
        this.events = null;
        if (this.listeners.size) this.timer = setTimeout(() => void this.follow(), retryMs);
      });
      await this.refresh();
    } catch {
      if (this.listeners.size) this.timer = setTimeout(() => void this.follow(), retryMs);
    }
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

  constructor(private readonly engine: Engine) {}

  subscribe(id: string, listener: Listener): () => void {
    let watch = this.watches.get(id);
    if (!watch) {
      watch = new PortWatch(this.engine, id, () => this.watches.delete(id));
      this.watches.set(id, watch);
    }
    return watch.subscribe(listener);
  }

  /** The ports a sandbox publishes now: known already while a terminal watches it, else asked. */
  async ports(id: string): Promise<number[]> {
    return this.watches.get(id)?.current ?? (await publishedPorts(this.engine, id)) ?? [];
  }
}
