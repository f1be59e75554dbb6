import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from '@playwright/test';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { e2eInstance, e2ePort } from './env';

/**
 * A course server of a test's own, for what the shared test server must not go through: a SIGKILL,
 * minutes short enough to watch, an engine restart. Its port, state and sandboxes are the test's alone.
 */
export class OwnServer {
  readonly base: string;
  readonly instance: string;
  readonly engine: Engine;
  private readonly env: NodeJS.ProcessEnv;
  private process: ChildProcess | null = null;

  constructor(name: string, portOffset: number, settings: Record<string, string> = {}) {
    const port = e2ePort + portOffset;
    this.base = `http://localhost:${port}`;
    this.instance = `${e2eInstance}-${name}`;
    this.env = { ...process.env, PORT: String(port), COURSE_STATE_DIR: `.state/${this.instance}`, COURSE_INSTANCE: this.instance, COURSE_SANDBOX_POOL: '0', ...settings };
    this.engine = Engine.connect(loadConfig(this.env).engine);
  }

  /** Starts the server and waits until it serves the course. */
  async start(): Promise<void> {
    this.process = spawn('npx', ['tsx', 'server.ts'], { env: this.env, stdio: 'ignore', detached: true });
    await expect.poll(() => fetch(`${this.base}/en`).then((r) => r.status, () => 0), { timeout: 60_000 }).toBe(200);
  }

  /** Stops the server with its whole process group, the hard way when asked. */
  stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
    if (this.process) process.kill(-this.process.pid!, signal);
    this.process = null;
  }

  sandboxes() {
    return this.engine.list(this.instance);
  }

  /** Stops the server and removes every sandbox it left, pass or fail. */
  async close(): Promise<void> {
    this.stop();
    for (const sandbox of await this.sandboxes()) await this.engine.remove(sandbox.id);
  }
}
