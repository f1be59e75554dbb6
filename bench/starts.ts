import { randomBytes } from 'node:crypto';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { SandboxManager } from '../lib/sandbox/manager';
import { within } from '../tests/wait-for';
import type { Row } from './page-weight';
import { peakLoad, timed } from './stats';

const config = loadConfig({ COURSE_STATE_DIR: '.state/bench', COURSE_INSTANCE: 'bench' });
const engine = Engine.connect(config.engine);

/**
 * How many sandboxes should start at once (COURSE_SANDBOX_STARTS): `learners` ask at the same moment
 * with no warm pool, once per setting, and we time the last one ready. Too few leaves the CPU idle
 * between starts; too many makes every start slow at once.
 */
export async function startsBench(learners: number, settings: number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const starts of settings) {
    console.error(`starts: ${learners} learners at once, ${starts} starting at a time`);
    const manager = new SandboxManager(engine, { ...config.sandbox, poolSize: 0, capacity: learners, starts, reapIntervalMs: 1000 });
    await manager.start();
    const sessions = Array.from({ length: learners }, () => randomBytes(16).toString('hex'));
    const [load, [time]] = await peakLoad(() =>
      timed(() => within(`${learners} sandboxes with ${starts} starting at a time`, Promise.all(sessions.map((s) => manager.acquire(s))), 600_000)),
    );
    manager.stop();
    for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
    rows.push({ measure: `${learners} learners at once, ${starts} sandbox${starts === 1 ? '' : 'es'} starting at a time: last ready / peak load`, value: `${(time / 1000).toFixed(1)} s / ${load.toFixed(1)}`, target: '' });
  }
  return rows;
}
