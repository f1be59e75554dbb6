// The benchmark command: measures the running product and prints one table.
// Usage: npm run bench   (builds if needed, serves the course on a spare port, measures, stops)
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { pageWeight, type Row } from './page-weight';

const port = 3200;
const baseUrl = `http://localhost:${port}`;

const server = spawn('npx', ['next', 'start', '-p', String(port)], { stdio: 'ignore', detached: true });
try {
  await waitFor(`${baseUrl}/en`);
  const rows: Row[] = [...(await pageWeight(baseUrl, '/en/virtualization/from-vms-to-containers'))];
  printTable(rows);
} finally {
  process.kill(-server.pid!, 'SIGTERM');
}

async function waitFor(url: string) {
  for (let i = 0; i < 120; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer`);
}

function printTable(rows: Row[]) {
  const header: Row = { measure: 'measure', value: 'value', target: 'target' };
  const width = (key: keyof Row) => Math.max(...[header, ...rows].map((r) => r[key].length));
  const line = (r: Row) => `| ${r.measure.padEnd(width('measure'))} | ${r.value.padStart(width('value'))} | ${r.target.padEnd(width('target'))} |`;
  console.log([line(header), `|${'-'.repeat(width('measure') + 2)}|${'-'.repeat(width('value') + 2)}|${'-'.repeat(width('target') + 2)}|`, ...rows.map(line)].join('\n'));
}
