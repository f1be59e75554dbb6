import { randomBytes } from 'node:crypto';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { SandboxManager } from '../lib/sandbox/manager';
import { maxLabNodes } from '../lib/terminal-protocol';
import type { Row } from './page-weight';
import { waitFor } from '../tests/wait-for';
import { ms, percentile, timed } from './stats';

const config = loadConfig({ COURSE_STATE_DIR: '.state/bench', COURSE_INSTANCE: 'bench' });
const engine = Engine.connect(config.engine);
const session = () => randomBytes(16).toString('hex');

/** Time from asking for a Swarm lab to three named nodes on their network, with and without a warm pool. */
export async function labBench(samples: number): Promise<Row[]> {
  console.error('lab: cold and warm three-node labs');
  const rows: Row[] = [];
  for (const [kind, poolSize, target] of [['cold', 0, '≤ 6 s'], ['warm', maxLabNodes, '≤ 3 s']] as const) {
    const manager = new SandboxManager(engine, { ...config.sandbox, poolSize, reapIntervalMs: 100 });
    await manager.start();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      await waitFor(`a warm pool of ${poolSize}`, () => manager.counts.pooled >= poolSize, 120_000, 50);
      const learner = session();
      const [time] = await timed(() => manager.acquire(learner, undefined, undefined, maxLabNodes));
      times.push(time);
      await manager.reset(learner);
    }
    manager.stop();
    for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
    rows.push({ measure: `three-node lab ready, ${kind} (pool ${poolSize}), p50/p95 (n=${samples})`, value: `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`, target });
  }
  return rows;
}
