import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPostgresStore } from '../lib/store/postgres';
import { openSqliteStore } from '../lib/store/sqlite';
import type { Store } from '../lib/store';
import { CellCluster, scratchDatabase } from '../tests/cells/cluster';
import { waitFor } from '../tests/wait-for';
import { checkDelays, dashboardStream, joinAtOnce } from './class';
import type { Row } from './page-weight';
import { ms, percentile } from './stats';
import { openTerminal } from './terminal';

const lessonPath = '/en/virtualization/from-vms-to-containers';

/**
 * The course on two cells behind HAProxy (tests/cells/cluster.ts): a class joining at once over both,
 * how soon a dashboard on one cell shows a check on the other, and how soon a learner of a killed cell
 * has a prompt again on the other.
 */
export async function cellsBench(size: number): Promise<Row[]> {
  console.error(`class of ${size} over two cells`);
  const cluster = new CellCluster(3480, 'bench-cells');
  await cluster.start({ COURSE_SANDBOX_POOL: '2' });
  try {
    const { origin } = cluster;
    const post = (path: string, body: object, cookie = '') => fetch(`${origin}${path}`, { method: 'POST', headers: { origin, 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
    const instructor = 'course_cell=cell-1';
    const created = (await (await post('/api/classes', { title: 'Bench, cells', locale: 'en', lessons: [lessonPath.slice(4)], capacity: size }, instructor)).json()) as { teach: string; code: string };
    const token = created.teach.split('#')[1]!;
    const { updates, stream } = await dashboardStream(origin, token, { cookie: instructor });

    const { load, learners, readyAfter } = await joinAtOnce(origin, created.code, size);
    const onCell = (cell: string) => learners.filter((learner) => learner.cookie.includes(`course_cell=${cell}`));

    // Learners of cell-2 check a step; the dashboard is on cell-1.
    const across = await checkDelays(onCell('cell-2'), updates, (cookie) => post('/api/check', { path: lessonPath, id: 'debian-image' }, cookie));
    stream.abort();

    // A learner of cell-1 when cell-1 dies: their terminal closes, and opens again (as the page does, with
    // their cookies) until it has a prompt, on cell-2.
    const stranded = onCell('cell-1')[0]!;
    for (const learner of learners) learner.ws.close();
    cluster.signal('cell-1', 'SIGKILL');
    const killed = performance.now();
    const again = () => openTerminal(origin, 'main', undefined, stranded.cookie).then((terminal) => (terminal.ws.close(), true), () => false);
    await waitFor('a prompt on cell-2 for a learner of the killed cell', again, 60_000, 100);
    const moved = performance.now() - killed;

    return [
      { measure: `cells: class of ${size} joining at once over two cells (pool 2 each): prompts / time to the last`, value: `${learners.length}/${size} in ${(percentile(readyAfter, 100) / 1000).toFixed(1)} s`, target: `${size} of ${size}` },
      { measure: `cells: learners per cell (cell-1 / cell-2), peak load average`, value: `${onCell('cell-1').length} / ${onCell('cell-2').length}, ${load.toFixed(1)}`, target: '' },
      { measure: `cells: a check on cell-2 shows on a dashboard on cell-1, from its request, p50 / p95 (n=${across.fromRequest.length})`, value: `${ms(percentile(across.fromRequest, 50))} / ${ms(percentile(across.fromRequest, 95))}`, target: '' },
      { measure: 'cells: the same, from the check’s answer to the learner (the delay across cells), p50 / p95', value: `${ms(percentile(across.fromAnswer, 50))} / ${ms(percentile(across.fromAnswer, 95))}`, target: '≤ 1000 ms' },
      { measure: 'cells: a learner of a killed cell has a prompt on the other', value: ms(moved), target: '≤ 10 s' },
    ];
  } finally {
    await cluster.stop();
  }
}

/** A passed check's write, as each store makes it, `samples` times. */
export async function storeWriteBench(samples: number): Promise<Row[]> {
  console.error('store writes');
  const folder = mkdtempSync(path.join(tmpdir(), 'course-bench-'));
  const timings = async (store: Store) => {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      await store.recordCheck(`learner-${i % 30}`, 'bench/lesson', `step-${i}`, true);
      times.push(performance.now() - start);
    }
    await store.close();
    return times;
  };
  try {
    const sqlite = await timings(openSqliteStore(path.join(folder, 'course.db')));
    const database = await scratchDatabase('bench_store');
    const postgres = await openPostgresStore(database.url).then(timings).finally(() => database.drop());
    const row = (name: string, times: number[]) => ({ measure: `a passed check's write, ${name}, p50 / p95 (n=${samples})`, value: `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`, target: '' });
    return [row('SQLite (full sync)', sqlite), row('PostgreSQL', postgres)];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
