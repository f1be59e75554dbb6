import '#server-only';
import { gatherScript, parseGather } from '../docker-state/gather';
import type { DockerState, Layer, StateUpdate } from '../docker-state';
import type { Engine } from './engine';
import { Coalescer, PerSandbox, SandboxWatch, type DaemonEvents } from './events';

type Listener = (update: StateUpdate) => void;

// Half a second from a change to the picture: 100 ms for the rest of a burst, about 150 ms to gather.
// In a storm the picture still moves once a second.
const timing = { settleMs: 100, maxWaitMs: 1000 };
const gatherTimeoutMs = 15_000;
/** When the daemon does not answer (it restarts), ask again this often while anyone watches. */
const retryMs = 2000;
/** Swarm tasks on other nodes change without an event on this one: a manager's picture is refreshed this often. */
const swarmRefreshMs = 5000;

/**
 * The picture of one sandbox's Docker, kept current from the daemon's event stream for every listener
 * (the state panels of the learner's tabs). One gather at a time, coalesced after bursts; gone with the
 * last listener.
 */
class StateWatch extends SandboxWatch<Listener> {
  private readonly refresher = new Coalescer(() => this.refresh(), timing, (busy) => this.send({ catchingUp: busy }));
  private readonly layers = new Map<string, Layer[]>();
  private timer: NodeJS.Timeout | undefined;
  private current: DockerState | null = null;
  private currentJson = '';
  private catchingUp = true;
  /** How many gathers ran, for tests and the benchmark. */
  gathers = 0;

  protected onEvent() {
    this.refresher.poke();
  }

  protected greet(listener: Listener) {
    listener(this.current ? { state: this.current, catchingUp: this.catchingUp } : { catchingUp: true });
  }

  protected stop() {
    clearTimeout(this.timer);
    this.refresher.dispose();
  }

  private send(update: StateUpdate) {
    this.catchingUp = update.catchingUp;
    for (const listener of this.listeners) listener(update);
  }

  private async refresh() {
    clearTimeout(this.timer);
    this.gathers++;
    let state: DockerState;
    try {
      const { stdout } = await this.engine.run(this.id, ['sh', '-c', gatherScript, 'sh', ...this.layers.keys()], { timeoutMs: gatherTimeoutMs });
      state = parseGather(stdout, this.layers);
    } catch (error) {
      // The daemon is away (restarting, or the sandbox is going): the last picture stays, the panel
      // keeps saying it is catching up, and the next try comes by itself.
      if (this.listeners.size) this.timer = setTimeout(() => this.refresher.poke(), retryMs);
      throw error;
    }
    if (state.swarm && this.listeners.size) this.timer = setTimeout(() => this.refresher.poke(), swarmRefreshMs);
    const json = JSON.stringify(state);
    if (json === this.currentJson) return;
    this.current = state;
    this.currentJson = json;
    // Still catching up if events arrived during the gather; the coalescer says when that ends.
    for (const listener of this.listeners) listener({ state, catchingUp: this.catchingUp });
  }
}

/** The state watches of all sandboxes; each follows the sandbox's shared event stream. */
export class StateWatches {
  private readonly watches = new PerSandbox((id, onIdle) => new StateWatch(this.engine, this.events, id, onIdle));

  constructor(
    private readonly engine: Engine,
    private readonly events: DaemonEvents,
  ) {}

  subscribe(id: string, listener: Listener): () => void {
    return this.watches.get(id).subscribe(listener);
  }

  /** Gathers run so far for a sandbox that is watched, for tests and the benchmark. */
  gathers(id: string): number {
    return this.watches.find(id)?.gathers ?? 0;
  }
}
