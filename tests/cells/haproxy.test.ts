import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeServer, Op, socketPaths, socketProtocol, type Trouble } from '@/lib/terminal-protocol';
import { waitFor, within } from '../wait-for';
import { CellCluster, cellNames as names, Learner } from './cluster';

/** Two real cells behind a real HAProxy, sharing a real PostgreSQL (./cluster.ts). The tests run in order: the fourth drains cell-1. */
const cluster = new CellCluster(3490);
const origin = cluster.origin;
const learnerOn = cluster.learnerOn.bind(cluster);
/** Polls a probe that may fail while the cells change, until it gives something. */
const until = <T>(probe: () => Promise<T>, what: string, timeoutMs: number) => waitFor(what, () => probe().catch(() => undefined), timeoutMs, 250);

beforeAll(() => cluster.start(), 120_000);
afterAll(() => cluster.stop());

describe('cells behind HAProxy', () => {
  it('spreads newcomers over the open cells and keeps each learner on the cell they got', async () => {
    const learners = Array.from({ length: 8 }, () => new Learner(origin));
    const first = await Promise.all(learners.map((learner) => learner.cell()));
    expect(new Set(first)).toEqual(new Set(names));
    for (const [i, learner] of learners.entries()) {
      expect(learner.cookies.get('course_cell')).toBe(first[i]);
      for (let n = 0; n < 4; n++) expect(await learner.cell()).toBe(first[i]);
    }
  });

  it('keeps an embedded lesson, which has no cookies, on the cell its session names', async () => {
    const embed = async (path: string, headers: Record<string, string>, method = 'GET') => fetch(origin + path, { method, headers: { origin, ...headers } });
    const first = await embed('/api/session', { 'x-course-embed': '1' }, 'POST');
    const { token, cell } = (await first.json()) as { token: string; cell: string };
    expect(cell).toBe(first.headers.get('x-course-cell'));
    const named = { authorization: `Bearer ${token}`, 'x-course-cell': cell };
    const answered = await Promise.all(Array.from({ length: 6 }, async () => (await embed('/api/progress', named)).headers.get('x-course-cell')));
    expect(answered).toEqual(Array(6).fill(cell));
    // Without the cell, the same requests go round the cells.
    const unnamed = await Promise.all(Array.from({ length: 6 }, async () => (await embed('/api/progress', { authorization: `Bearer ${token}` })).headers.get('x-course-cell')));
    expect(new Set(unnamed)).toEqual(new Set(names));
  });

  it('sends a preview to the cell its address names, whatever cell the browser is on', async () => {
    for (const [cell, other] of [names, [...names].reverse()]) {
      const answer = await learnerOn(other!).get(`/preview/${cell}.${'a'.repeat(32)}/8080/`);
      // No such sandbox: the cell says so, as the cell that would hold it.
      expect([answer.status, answer.headers.get('x-course-cell')]).toEqual([404, cell]);
    }
  });

  it('shares learners, their sessions and classes through PostgreSQL, whichever cell answers', async () => {
    const instructor = learnerOn('cell-1');
    // It starts now with three seats: the cells share them, two on cell-1 and one on cell-2.
    const made = await instructor.post('/api/classes', { title: 'Across cells', locale: 'en', lessons: ['virtualization/from-vms-to-containers'], capacity: 3, startsAt: Date.now() });
    expect([made.status, made.headers.get('x-course-cell')]).toEqual([201, 'cell-1']);
    const { code, teach } = (await made.json()) as { code: string; teach: string };
    const token = teach.split('#')[1]!;

    // Ada is at work on cell-2 already: her lesson has started her sandbox there.
    const learner = learnerOn('cell-2');
    expect((await learner.post('/api/session?lesson=/en/virtualization/from-vms-to-containers')).status).toBe(204);
    await until(async () => (await cluster.query(`SELECT 1 FROM learner_cell WHERE cell = 'cell-2' AND nodes > 0`)).length > 0, 'a sandbox on cell-2', 90_000);

    // The instructor's live dashboard, on cell-1, hears of her joining on cell-2 from PostgreSQL, before
    // its own refresh (every 5 s) would have found it.
    const live = await instructor.get(`/api/teach/${token}/events`);
    expect(live.headers.get('x-course-cell')).toBe('cell-1');
    const events = live.body!.pipeThrough(new TextDecoderStream()).getReader();
    const opened = Date.now();
    expect((await events.read()).value).toContain('"learners":[]');
    const joined = await learner.post('/api/classes/join', { code, name: 'Ada' });
    expect([joined.status, joined.headers.get('x-course-cell')]).toEqual([200, 'cell-2']);
    let seen = '';
    while (!seen.includes('"Ada"')) seen += (await events.read()).value ?? '';
    expect(Date.now() - opened).toBeLessThan(4500);
    await events.cancel();
    // With a sandbox on cell-2, she stays there.
    expect(learner.cookies.get('course_cell')).toBe('cell-2');
    // The session cell-2 signed is good on cell-1: every cell signs with the secret kept in the database.
    const there = await learner.get('/api/class?cell=cell-1');
    expect([there.headers.get('x-course-cell'), ((await there.json()) as { class: { title: string } | null }).class?.title]).toEqual(['cell-1', 'Across cells']);

    // The instructor's dashboard, on cell-1, shows her sandbox on cell-2, so the instructor's view of that
    // terminal can name its cell.
    const ada = async () => {
      const dashboard = await instructor.get(`/api/teach/${token}`);
      expect(dashboard.headers.get('x-course-cell')).toBe('cell-1');
      return ((await dashboard.json()) as { learners: { name: string; nodes: number; cell: string | null }[] }).learners.find((l) => l.name === 'Ada');
    };
    expect(await ada()).toMatchObject({ nodes: 1, cell: 'cell-2' });

    // Bo joins through cell-2 before having a sandbox: he is sent to the cell with the most warm seats.
    const warmOn = async (cell: string) => Object.values((await cluster.query<{ warm: Record<string, number> }>('SELECT warm FROM cell_report WHERE cell = $1', [cell]))[0]?.warm ?? {}).reduce((sum, n) => sum + n, 0);
    // Ada took cell-2's share. A seat cell-2 had ready before stays until taken (the supply never throws
    // away a ready seat a member may be about to take), so cell-1 has the most seats once its two are up.
    await until(async () => (await warmOn('cell-1')) > (await warmOn('cell-2')), 'more warm seats on cell-1 than on cell-2', 50_000);
    const bo = learnerOn('cell-2');
    expect((await bo.post('/api/session')).status).toBe(204);
    expect((await bo.post('/api/classes/join', { code, name: 'Bo' })).headers.get('x-course-cell')).toBe('cell-2');
    expect(await bo.cell()).toBe('cell-1');

    // Her private continue link, opened in another browser through any cell, leads back to cell-2.
    const { path } = (await (await learner.post('/api/learner/link')).json()) as { path: string };
    for (const cell of names) {
      const elsewhere = learnerOn(cell);
      expect((await elsewhere.get(path, { 'x-course-cell': cell })).status).toBe(303);
      expect(await elsewhere.cell()).toBe('cell-2');
    }
  });

  it('a draining cell keeps its learners, takes no newcomers, and is reached by requests that name it', async () => {
    const stays = new Learner(origin);
    while ((await stays.cell()) !== 'cell-1') stays.cookies.clear();
    cluster.signal('cell-1', 'SIGUSR2');
    await until(async () => (await cluster.newcomersLandOn(6)).every((cell) => cell === 'cell-2'), 'newcomers sent to cell-2 only', 15_000);
    for (let n = 0; n < 5; n++) expect(await stays.cell()).toBe('cell-1');
    const health = await fetch(`${cluster.cellUrl('cell-1')}/healthz`);
    expect([health.status, (await health.json()).cell]).toEqual([200, { name: 'cell-1', state: 'draining' }]);
    // An embedded lesson or an instructor names the cell: a newcomer without a cookie reaches it anyway.
    expect((await new Learner(origin).get('/api/progress?cell=cell-1')).headers.get('x-course-cell')).toBe('cell-1');
    expect((await new Learner(origin).get('/api/progress', { 'x-course-cell': 'cell-1' })).headers.get('x-course-cell')).toBe('cell-1');
  });

  // cell-1 drains since the test before, so cell-2 is where newcomers go.
  it('sends the learners of a cell that died to another cell, whose terminal tells them their sandbox is new', async () => {
    const learner = learnerOn('cell-1');
    expect((await learner.post('/api/session?lesson=/en/virtualization/from-vms-to-containers')).status).toBe(204);
    expect(learner.cookies.get('course_cell')).toBe('cell-1');
    await until(async () => (await cluster.query(`SELECT 1 FROM learner_cell WHERE cell = 'cell-1' AND nodes > 0`)).length > 0, 'a sandbox on cell-1', 90_000);

    cluster.signal('cell-1', 'SIGKILL');
    await until(async () => (await learner.cell()) === 'cell-2', 'the learner sent to cell-2', 15_000);
    expect(learner.cookies.get('course_cell')).toBe('cell-2');

    // Their terminal opens on cell-2, with a new sandbox, and says why it is new.
    const ws = new WebSocket(`${origin.replace('http', 'ws')}${socketPaths.terminal}?tab=main`, [socketProtocol], { headers: { origin, cookie: learner.cookieHeader() } });
    const told = new Promise<Trouble>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const message = decodeServer(new Uint8Array(data));
        if (message.op === Op.trouble) resolve(message.trouble);
      });
      ws.on('close', (code) => reject(new Error(`the terminal closed (${code})`)));
      ws.on('error', reject);
    });
    try {
      expect(await within('the terminal’s notice', told, 120_000)).toEqual({ kind: 'moved', active: true });
    } finally {
      ws.close();
    }
  }, 240_000);
});
