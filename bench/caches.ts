import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import type { Row } from './page-weight';
import { mib, ms } from './stats';

// The package caches (README, "Package caches") as a learner meets them: installs inside a `docker build`
// in a fresh sandbox, and what the caches hold after seeding.
const config = loadConfig({ COURSE_STATE_DIR: '.state/bench', COURSE_INSTANCE: 'bench' });
const engine = Engine.connect(config.engine);
const seed = path.resolve(import.meta.dirname, '../images/npm-cache/seed');

/** A shell line that writes a file in the current directory, whatever its content. */
const write = (name: string, content: string) => `printf %s '${Buffer.from(content).toString('base64')}' | base64 -d > ${name}`;
// Each step prints how long it took, so the install can be told apart from the rest of the build.
const stamp = (label: string, command: string) => `s=$(date +%s%N); ${command}; echo "${label}_ms=$(( ($(date +%s%N) - s) / 1000000 ))"`;

async function build(id: string, dir: string, dockerfile: string, files: Record<string, string> = {}) {
  const lines = [`mkdir -p ${dir}`, `cd ${dir}`, write('Dockerfile', dockerfile), ...Object.entries(files).map(([n, c]) => write(n, c))];
  const start = performance.now();
  const result = await engine.run(id, ['sh', '-c', `${lines.join(' && ')} && docker build --no-cache -t bench . 2>&1`], { timeoutMs: 600_000 });
  const total = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`the build failed:\n${result.stdout.slice(-2000)}`);
  const step = (label: string) => Number(new RegExp(`${label}_ms=(\\d+)`).exec(result.stdout)?.[1] ?? NaN);
  return { total, step };
}

const sizeOf = async (container: string, dir: string) => {
  const { stdout } = await engine.run(container, ['du', '-sb', dir], { user: 'root' });
  return Number(stdout.split('\t')[0]);
};

export async function cachesBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const id = await engine.create(`course-pool-bench${randomBytes(3).toString('hex')}`, config.sandbox);
  try {
    await engine.waitReady(id, config.sandbox.stallMs);
    console.error('caches: apt in a build');
    const apt = `FROM debian\nRUN ${stamp('update', 'apt-get update')} && ${stamp('install', 'apt-get install -y curl')}\n`;
    const first = await build(id, '/home/learner/apt', apt);
    rows.push({ measure: 'RUN apt-get update && apt-get install -y curl, first build in a fresh sandbox (pulls debian)', value: ms(first.total), target: 'informational' });
    const again = await build(id, '/home/learner/apt', apt);
    rows.push({ measure: 'the same build again, packages from the apt cache', value: ms(again.total), target: '≤ 10 s' });
    rows.push({ measure: '  of which apt-get update / apt-get install -y curl', value: `${ms(again.step('update'))} / ${ms(again.step('install'))}`, target: 'install ≤ 3 s' });

    console.error('caches: npm ci in a build');
    const files = { 'package.json': readFileSync(path.join(seed, 'package.json'), 'utf8'), 'package-lock.json': readFileSync(path.join(seed, 'package-lock.json'), 'utf8') };
    const npm = `FROM node\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN ${stamp('ci', 'npm ci')}\n`;
    await build(id, '/home/learner/npm', npm, files);
    const npmAgain = await build(id, '/home/learner/npm', npm, files);
    rows.push({ measure: 'npm ci of an Express + pg app (85 packages) in a build, from the npm cache', value: `${ms(npmAgain.step('ci'))} (build ${ms(npmAgain.total)})`, target: 'informational' });
    // Installs are mostly dpkg's and npm's own work on the sandbox's one CPU, so the machine's load shows.
    rows.push({ measure: 'load average (1 min) at the end of the builds', value: loadavg()[0]!.toFixed(1), target: 'informational' });
  } finally {
    await engine.remove(id);
  }
  rows.push({ measure: 'apt cache size after seeding', value: mib(await sizeOf('course-apt-cache', '/var/cache/apt-cache')), target: '≤ 2 GiB cap' });
  rows.push({ measure: 'npm cache size after seeding', value: mib(await sizeOf('course-npm-cache', '/verdaccio/storage')), target: '≤ 2 GiB cap' });
  return rows;
}
