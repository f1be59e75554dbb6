import '#server-only';

/** Output waiting to reach the browser: above `high` the shell is paused, below `low` it resumes. */
export const watermarks = { high: 2 * 1024 * 1024, low: 512 * 1024 };

interface Pausable {
  pause(): void;
  resume(): void;
}

/**
 * Flow control of one shell's output. The shell pauses while the socket holds more unsent output than
 * the high watermark (until it drains below the low one), or while the browser asks for a pause
 * because its terminal is behind; it runs when neither holds it.
 */
export class Backpressure {
  private unsent = 0;
  private heldByServer = false;
  private heldByBrowser = false;
  private stream: Pausable | null = null;

  /** The shell's output stream, once there is one: it starts paused if the browser already asked. */
  attach(stream: Pausable): void {
    this.stream = stream;
    this.apply();
  }

  /** Bytes handed to the socket. */
  queued(bytes: number): void {
    this.unsent += bytes;
    if (!this.heldByServer && this.unsent > watermarks.high) {
      this.heldByServer = true;
      this.apply();
    }
  }

  /** Bytes the socket has written out. */
  sent(bytes: number): void {
    this.unsent -= bytes;
    if (this.heldByServer && this.unsent < watermarks.low) {
      this.heldByServer = false;
      this.apply();
    }
  }

  browserPaused(paused: boolean): void {
    this.heldByBrowser = paused;
    this.apply();
  }

  private apply(): void {
    if (this.heldByServer || this.heldByBrowser) this.stream?.pause();
    else this.stream?.resume();
  }
}
