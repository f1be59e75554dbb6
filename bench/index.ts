// The benchmark command: measures the running product and prints one table.
// Usage: npm run bench [-- --quick] [-- --only=state]   (serves the course on a spare port, measures, stops)
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { waitFor } from '../tests/wait-for';
import { cachesBench } from './caches';
import { cellsBench, storeWriteBench } from './cells';
import { classBench, warmClassBench } from './class';
import { labBench } from './lab';
import { pageWeight, type Row } from './page-weight';
import { previewBench } from './preview';
import { sandboxBench } from './sandbox';
import { startsBench } from './starts';
import { stateBench } from './state';
import { promptBench, terminalBench } from './terminal';
import { watchdogBench } from './watchdog';
import { editorBench, workspaceBench } from './workspace';

// Port and instance can be moved, so a benchmark never meets someone else's server or sandboxes.
const port = Number(process.env.COURSE_BENCH_PORT ?? 3200);
const instance = process.env.COURSE_BENCH_INSTANCE ?? 'bench-server';
const baseUrl = `http://localhost:${port}`;
const quick = process.argv.includes('--quick');
/** One group of rows alone, e.g. --only=state. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const wanted = (group: string) => !only || only === group;
const env = { ...process.env, PORT: String(port), COURSE_STATE_DIR: `.state/${instance}`, COURSE_INSTANCE: instance, COURSE_SANDBOX_POOL: '1' };
const config = loadConfig(env);
const engine = Engine.connect(config.engine);

const rows: Row[] = [];
if (['page', 'terminal', 'prompt', 'preview', 'state', 'workspace'].some(wanted)) {
  await withServer(env, async (pid) => {
    if (wanted('page')) {
      console.error('page weight');
      rows.push(...(await pageWeight(baseUrl, '/en/virtualization/from-vms-to-containers')));
    }
    if (wanted('terminal')) rows.push(...(await terminalBench(baseUrl, engine, config.sandbox.instance, pid, quick ? 20 : 100)));
    if (wanted('prompt')) rows.push(...(await promptBench(baseUrl, quick ? 3 : 10)));
    if (wanted('preview')) rows.push(...(await previewBench(baseUrl, engine, config.sandbox.instance, config.sandbox.network, quick ? 50 : 300)));
    if (wanted('state')) rows.push(...(await stateBench(baseUrl, engine, config.sandbox.instance, pid, quick ? 5 : 20)));
    if (wanted('workspace')) rows.push(...(await workspaceBench(baseUrl, quick ? 5 : 20)), ...(await editorBench(baseUrl, quick ? 3 : 10)));
  });
}
// A class arrives at a server with the default warm pool of 2, starting from nothing else.
if (wanted('class')) await withServer({ ...env, COURSE_SANDBOX_POOL: '2' }, async (pid) => void rows.push(...(await classBench(baseUrl, pid, quick ? 3 : 30))));
// The same class with a start time: its seats are warmed before it, from no pool at all.
if (wanted('class')) await withServer({ ...env, COURSE_SANDBOX_POOL: '0' }, async () => void rows.push(...(await warmClassBench(baseUrl, quick ? 3 : 30))));
if (wanted('sandbox')) rows.push(...(await sandboxBench({ samples: quick ? 3 : 20, capacityTarget: quick ? 3 : 40 })));
if (wanted('lab')) rows.push(...(await labBench(quick ? 2 : 10)));
if (wanted('watchdog')) rows.push(...(await watchdogBench({ bombs: quick ? 1 : 5, idleSandboxes: quick ? 2 : 10, windowMs: quick ? 15_000 : 60_000 })));
if (wanted('starts')) rows.push(...(await startsBench(quick ? 6 : 30, quick ? [1, 2, 4] : [1, 2, 3, 4, 6])));
if (wanted('caches')) rows.push(...(await cachesBench()));
if (wanted('cells')) rows.push(...(await storeWriteBench(quick ? 50 : 200)), ...(await cellsBench(quick ? 4 : 60)));
printTable(rows);

/** Serves the course on the benchmark's port for `measure`, then stops it and removes its sandboxes. */
async function withServer(env: NodeJS.ProcessEnv, measure: (pid: number) => Promise<void>) {
  // The server runs as plain node (no npx wrapper), so its memory can be read from /proc.
  const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env, stdio: 'ignore' });
  try {
    await waitFor(`the course server at ${baseUrl}`, () => fetch(`${baseUrl}/en`).then((r) => r.ok, () => false), 60_000, 250);
    await measure(server.pid!);
  } finally {
    server.kill('SIGTERM');
    await sleep(1000);
    for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
  }
}

function printTable(rows: Row[]) {
  const header: Row = { measure: 'measure', value: 'value', target: 'target' };
  const width = (key: keyof Row) => Math.max(...[header, ...rows].map((r) => r[key].length));
  const line = (r: Row) => `| ${r.measure.padEnd(width('measure'))} | ${r.value.padStart(width('value'))} | ${r.target.padEnd(width('target'))} |`;
  console.log([line(header), `|${'-'.repeat(width('measure') + 2)}|${'-'.repeat(width('value') + 2)}|${'-'.repeat(width('target') + 2)}|`, ...rows.map(line)].join('\n'));
}
