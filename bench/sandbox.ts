import { randomBytes } from 'node:crypto';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { SandboxManager } from '../lib/sandbox/manager';
import type { Row } from './page-weight';
import { waitFor } from '../tests/wait-for';
import { mib, ms, percentile, timed } from './stats';

const config = loadConfig({ COURSE_STATE_DIR: '.state/bench', COURSE_INSTANCE: 'bench' });
const engine = Engine.connect(config.engine);
const session = () => randomBytes(16).toString('hex');

async function memoryOf(id: string): Promise<number> {
  const stats = (await engine.docker.getContainer(id).stats({ stream: false })) as unknown as {
    memory_stats: { usage: number; stats: { cache?: number; inactive_file?: number } };
  };
  // Page cache is reclaimable; what a sandbox really holds is usage without it.
  const { usage, stats: detail } = stats.memory_stats;
  return usage - (detail.cache ?? detail.inactive_file ?? 0);
}

async function removeAll() {
  for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
}

/** Sandbox engine figures: start times, first commands, memory, and how many busy sandboxes fit. */
export async function sandboxBench(options: { samples: number; capacityTarget: number }): Promise<Row[]> {
  await removeAll();
  const rows: Row[] = [];
  console.error('sandbox: cold and warm starts');

  const cold: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const [time, id] = await timed(async () => {
      const id = await engine.create(`course-pool-bench${String(i).padStart(5, '0')}`, config.sandbox);
      await engine.waitReady(id, config.sandbox.stallMs);
      return id;
    });
    cold.push(time);
    await engine.remove(id);
  }
  rows.push({ measure: `sandbox cold start to ready inner daemon, p50/p95 (n=${options.samples})`, value: `${ms(percentile(cold, 50))} / ${ms(percentile(cold, 95))}`, target: 'p95 ≤ 2 s' });

  const manager = new SandboxManager(engine, { ...config.sandbox, poolSize: 1, reapIntervalMs: 100 });
  await manager.start();
  const warm: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    await waitFor('a warm sandbox in the pool', () => manager.counts.pooled >= 1, 120_000, 50);
    const [time, lease] = await timed(() => manager.acquire(session()));
    warm.push(time);
    await manager.reset(lease.session);
  }
  rows.push({ measure: `warm-pool start, p50/p95 (n=${options.samples})`, value: `${ms(percentile(warm, 50))} / ${ms(percentile(warm, 95))}`, target: 'p95 ≤ 300 ms' });
  manager.stop();
  await removeAll();

  const id = await engine.create('course-pool-benchfirst', config.sandbox);
  await engine.waitReady(id, config.sandbox.stallMs);
  await new Promise((r) => setTimeout(r, 3000));
  rows.push({ measure: 'idle memory of one sandbox', value: mib(await memoryOf(id)), target: '≤ 60 MiB' });
  const [hello, helloResult] = await timed(() => engine.run(id, ['docker', 'run', '--rm', 'hello-world']));
  rows.push({ measure: 'first `docker run hello-world` in a new sandbox', value: helloResult.exitCode === 0 ? ms(hello) : `failed: ${helloResult.stderr.trim().split('\n').pop()}`, target: '≤ 1.5 s' });
  const [pull, pullResult] = await timed(() => engine.run(id, ['docker', 'pull', 'nginx']));
  rows.push({ measure: 'first `docker pull nginx` in a new sandbox', value: pullResult.exitCode === 0 ? ms(pull) : 'failed', target: '' });
  await engine.remove(id);

  console.error(`sandbox: how many active sandboxes fit (up to ${options.capacityTarget})`);
  // Sandboxes with a learner's small workload (a web server container), until the target or a failure.
  let fitted = 0;
  const memories: number[] = [];
  for (; fitted < options.capacityTarget; fitted++) {
    try {
      const sandbox = await engine.create(`course-pool-benchcap${String(fitted).padStart(3, '0')}`, config.sandbox);
      await engine.waitReady(sandbox, config.sandbox.stallMs);
      const { exitCode } = await engine.run(sandbox, ['docker', 'run', '-d', '--name', 'web', 'busybox', 'httpd', '-f', '-p', '8080']);
      if (exitCode !== 0) break;
      memories.push(await memoryOf(sandbox));
    } catch {
      break;
    }
  }
  const last = (await engine.list(config.sandbox.instance)).at(-1);
  const [probe] = last ? await timed(() => engine.run(last.id, ['docker', 'ps'])) : [NaN];
  rows.push({ measure: `active sandboxes started (each running a web server), of ${options.capacityTarget} tried`, value: String(fitted), target: '≥ 40' });
  rows.push({ measure: 'memory per active sandbox, mean', value: mib(memories.reduce((a, b) => a + b, 0) / Math.max(1, memories.length)), target: '' });
  rows.push({ measure: '`docker ps` in a sandbox with all of them running', value: ms(probe), target: '' });
  await removeAll();
  return rows;
}
