import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { DaemonEvents } from '../lib/sandbox/events';
import { Watchdog } from '../lib/sandbox/watchdog';
import type { Trouble } from '../lib/terminal-protocol';
import { waitFor } from '../tests/wait-for';
import type { Row } from './page-weight';
import { mib, ms, percentile } from './stats';

const config = loadConfig({ COURSE_STATE_DIR: '.state/bench', COURSE_INSTANCE: 'bench-watchdog' });
const engine = Engine.connect(config.engine);
const watchdogConfig = { instance: config.sandbox.instance, pollMs: config.sandbox.watchMs, memoryBytes: config.sandbox.memoryBytes };

async function removeAll() {
  for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
}

async function readySandbox(name: string): Promise<string> {
  const id = await engine.create(`course-pool-${name}`, config.sandbox);
  await engine.waitReady(id, config.sandbox.stallMs);
  await engine.startFirstShell(id);
  return id;
}

interface Stats {
  memory_stats: { usage: number; stats: { cache?: number } };
  cpu_stats: { cpu_usage: { total_usage: number } };
}
const statsOf = async (id: string) => (await engine.docker.getContainer(id).stats({ stream: false })) as unknown as Stats;

/** CPU seconds the engine's daemon has used, when this machine runs it (its pid file beside its socket). */
function engineCpuSeconds(): number | null {
  try {
    const pid = readFileSync(path.join(path.dirname(new URL(config.engine.address).pathname), 'engine.pid'), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds used by everything the watchdog costs: this process (its polls), the engine, and the sandboxes. */
async function cpuSeconds(ids: string[]): Promise<number> {
  const sandboxes = await Promise.all(ids.map(async (id) => (await statsOf(id)).cpu_stats.cpu_usage.total_usage / 1e9));
  const own = process.cpuUsage();
  return sandboxes.reduce((a, b) => a + b, 0) + (own.user + own.system) / 1e6 + (engineCpuSeconds() ?? 0);
}

/** What a sandbox holds apart from page cache. */
const heldMemory = async (id: string) => {
  const { memory_stats: m } = await statsOf(id);
  return m.usage - (m.stats.cache ?? 0);
};

/**
 * The watchdog's figures: how soon a fork bomb is told (and how long stopping it takes), and what
 * watching idle sandboxes costs in CPU and memory, against the same sandboxes unwatched.
 */
export async function watchdogBench(options: { bombs: number; idleSandboxes: number; windowMs: number }): Promise<Row[]> {
  await removeAll();
  const events = new DaemonEvents(engine);
  const watchdog = new Watchdog(engine, events, watchdogConfig);
  const rows: Row[] = [];
  try {
    console.error('watchdog: fork bombs');
    const detected: number[] = [];
    const stopped: number[] = [];
    for (let i = 0; i < options.bombs; i++) {
      const id = await readySandbox(`benchbomb${i}`);
      const troubles: Trouble[] = [];
      const unwatch = watchdog.subscribe(id, (trouble) => troubles.push(trouble));
      // The bombs fall at different moments of the watchdog's round, so the delay spans its whole range.
      await sleep(2000 + (i / options.bombs) * watchdogConfig.pollMs);
      const start = performance.now();
      await engine.run(id, ['tmux', 'send-keys', '-t', 'main', ':(){ :|:& };:', 'Enter']);
      await waitFor('the fork bomb told', () => troubles.some((t) => t.kind === 'processes' && t.active), 60_000, 20);
      detected.push(performance.now() - start);
      const rescueStart = performance.now();
      await watchdog.rescue(id, 'stopRunaway');
      await waitFor('docker answering again', async () => (await engine.run(id, ['docker', 'ps'])).exitCode === 0, 60_000, 100);
      stopped.push(performance.now() - rescueStart);
      unwatch();
      await engine.remove(id);
    }
    const n = `n=${options.bombs}, looking every ${ms(watchdogConfig.pollMs)}`;
    rows.push({ measure: `watchdog: fork bomb typed to learner told, p50/max (${n})`, value: `${ms(percentile(detected, 50))} / ${ms(Math.max(...detected))}`, target: '≤ 10 s' });
    rows.push({ measure: `watchdog: "stop the runaway processes" to docker answering, p50/max (n=${options.bombs})`, value: `${ms(percentile(stopped, 50))} / ${ms(Math.max(...stopped))}`, target: '' });

    console.error('watchdog: idle cost');
    const ids = await Promise.all(Array.from({ length: options.idleSandboxes }, (_, i) => readySandbox(`benchidle${i}`)));
    await sleep(5000);
    const measureWindow = async () => {
      const before = await cpuSeconds(ids);
      await sleep(options.windowMs);
      return (await cpuSeconds(ids)) - before;
    };
    const memoryBefore = await Promise.all(ids.map(heldMemory));
    const unwatched = await measureWindow();
    const unwatchAll = ids.map((id) => watchdog.subscribe(id, () => {}));
    await sleep(5000);
    const watched = await measureWindow();
    const memoryAfter = await Promise.all(ids.map(heldMemory));
    unwatchAll.forEach((unwatch) => unwatch());
    const share = ((watched - unwatched) / (options.windowMs / 1000) / ids.length) * 100;
    const memory = memoryAfter.reduce((a, b) => a + b, 0) / ids.length - memoryBefore.reduce((a, b) => a + b, 0) / ids.length;
    const where = engineCpuSeconds() === null ? 'server and sandboxes' : 'server, engine and sandboxes';
    rows.push({ measure: `watchdog: idle cost per watched sandbox, CPU of one core (${where}; ${ids.length} sandboxes, ${options.windowMs / 1000} s)`, value: `${share.toFixed(2)} %`, target: '≤ 0.5 %' });
    rows.push({ measure: 'watchdog: idle memory per watched sandbox (its shared `docker events` stream)', value: mib(memory), target: '' });
  } finally {
    watchdog.stop();
    await removeAll();
  }
  return rows;
}
