import { randomBytes } from 'node:crypto';
import { loadConfig, type SandboxConfig } from '@/lib/server/config';
import { Engine } from '@/lib/sandbox/engine';
import { SandboxManager } from '@/lib/sandbox/manager';
import { waitFor } from '../wait-for';

// COURSE_INSTANCE lets two people run engine tests on one engine without removing each other's sandboxes.
const instance = process.env.COURSE_INSTANCE ?? 'engine-test';
export const config = loadConfig({ COURSE_STATE_DIR: instance === 'engine-test' ? '.state/test' : `.state/${instance}`, COURSE_INSTANCE: instance });
export const engine = Engine.connect(config.engine);

/** The real engine, counting the sandboxes it is asked to create. */
export class CountingEngine extends Engine {
  creates = 0;
  override create(...args: Parameters<Engine['create']>) {
    this.creates++;
    return super.create(...args);
  }
}

export const newSession = () => randomBytes(16).toString('hex');

/** A manager with test-sized settings; every test removes what it made. */
export function manager(overrides: Partial<SandboxConfig> = {}) {
  return new SandboxManager(engine, { ...config.sandbox, poolSize: 0, reapIntervalMs: 200, ...overrides });
}

export async function removeAllSandboxes() {
  for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
  await until(async () => (await engine.list(config.sandbox.instance)).length === 0);
}

/** Runs a shell command in a sandbox as the given user (root of the sandbox is stronger than the learner). */
export const sh = (id: string, script: string, user = 'learner', timeoutMs = 60_000) => engine.run(id, ['sh', '-c', script], { user, timeoutMs });

/** Waits for a condition; on time-out the failure quotes the condition, which says what was awaited. */
export const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) =>
  waitFor(condition.toString().replace(/\s+/g, ' '), condition, timeoutMs).then(() => {});
