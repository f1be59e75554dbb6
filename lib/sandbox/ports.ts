import '#server-only';
import type { Engine } from './engine';
import { Coalescer, DaemonEvents, PerSandbox, SandboxWatch, type DaemonEvent } from './events';

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
class PortWatch extends SandboxWatch<Listener> {
  private readonly refresher = new Coalescer(() => this.refresh(), timing);
  current: number[] = [];

  protected onEvent(event: DaemonEvent | null) {
    if (!event || event.type === 'container') this.refresher.poke();
  }

  protected greet(listener: Listener) {
    listener(this.current);
  }

  protected stop() {
    this.refresher.dispose();
  }

  private async refresh() {
    const ports = await publishedPorts(this.engine, this.id);
    if (!ports || ports.join() === this.current.join()) return;
    this.current = ports;
    for (const listener of this.listeners) listener(ports);
  }
}

/** The port watches of all sandboxes. */
export class PortWatches {
  private readonly watches = new PerSandbox((id, onIdle) => new PortWatch(this.engine, this.events, id, onIdle));

  /** `events` is the one event stream per sandbox that the port watch shares with the state panel. */
  constructor(
    private readonly engine: Engine,
    private readonly events = new DaemonEvents(engine),
  ) {}

  subscribe(id: string, listener: Listener): () => void {
    return this.watches.get(id).subscribe(listener);
  }

  /** The ports a sandbox publishes now: known already while a terminal watches it, else asked. */
  async ports(id: string): Promise<number[]> {
    return this.watches.find(id)?.current ?? (await publishedPorts(this.engine, id)) ?? [];
  }
}
