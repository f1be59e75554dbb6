import '#server-only';
import type { StateWatches } from '../sandbox/state';
import type { StateUpdate } from '../docker-state';

/**
 * One tab's Docker-state panel on the server side: it follows the node's picture while the panel is
 * open (`want`) and the shell is up (`start`), and not otherwise, so a collapsed panel costs nothing.
 */
export class StateFeed {
  private wanted = false;
  private containerId: string | null = null;
  private unwatch: (() => void) | null = null;

  constructor(
    private readonly states: Pick<StateWatches, 'subscribe'>,
    private readonly send: (update: StateUpdate) => void,
  ) {}

  want(on: boolean): void {
    this.wanted = on;
    this.sync();
  }

  /** The tab's node is ready to be asked (its prompt is up, or the learner typed). */
  start(containerId: string): void {
    this.containerId = containerId;
    this.sync();
  }

  stop(): void {
    this.wanted = false;
    this.sync();
  }

  private sync() {
    if (this.wanted && this.containerId && !this.unwatch) this.unwatch = this.states.subscribe(this.containerId, this.send);
    else if (!this.wanted && this.unwatch) {
      this.unwatch();
      this.unwatch = null;
    }
  }
}
