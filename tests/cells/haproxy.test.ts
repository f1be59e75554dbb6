import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Two real cells (course servers with their own sandbox instances, on the course's engine) behind a real
 * HAProxy with the configuration the repository ships, sharing one real PostgreSQL.
 */
const ports = { haproxy: 3490, cells: [3491, 3492], agents: [3493, 3494] };
const origin = `http://127.0.0.1:${ports.haproxy}`;
const names = ['cell-1', 'cell-2'] as const;
type CellName = (typeof names)[number];

const adminUrl = execFileSync('bash', ['scripts/postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)!;
const database = `cells_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const children: Partial<Record<CellName | 'haproxy', ChildProcess>> = {};

const instances = ['cells-1', 'cells-2'];
/** Sandboxes the cells started (and a previous run left), gone from the engine. */
const removeSandboxes = () => instances.forEach((instance) => execFileSync('bash', ['scripts/engine/remove-sandboxes.sh', instance], { stdio: 'inherit' }));

function startCell(index: number) {
  const name = names[index]!;
  const instance = instances[index]!;
  rmSync(`.state/${instance}`, { recursive: true, force: true });
  children[name] = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: {
      ...process.env,
      PORT: String(ports.cells[index]),
      HOST: '127.0.0.1',
      COURSE_CELL: name,
      COURSE_AGENT_PORT: String(ports.agents[index]),
      COURSE_DATABASE_URL: databaseUrl,
      COURSE_ALLOWED_ORIGINS: origin,
      COURSE_STATE_DIR: `.state/${instance}`,
      COURSE_INSTANCE: instance,
      COURSE_SANDBOX_POOL: '0',
    },
    stdio: 'ignore',
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A browser of its own: it keeps the cookies it is given, as HAProxy's and the course's. */
class Learner {
  readonly cookies = new Map<string, string>();
  async get(path: string, headers: Record<string, string> = {}) {
    // A redirect is the learner's next request: its cookies come first.
    return this.keep(await fetch(origin + path, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: 'manual' }));
  }
  async post(path: string, body?: unknown) {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.keep(await fetch(origin + path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  }
  /** The cell that answers this learner now. */
  async cell(): Promise<string | null> {
    return (await this.get('/api/progress')).headers.get('x-course-cell');
  }
  private cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }
}

const newcomersLandOn = async (count: number) => Promise.all(Array.from({ length: count }, () => new Learner().cell()));

/** A learner who has been on a cell: they carry its cookie, as HAProxy set it on their first answer. */
function learnerOn(cell: CellName) {
  const learner = new Learner();
  learner.cookies.set('course_cell', cell);
  return learner;
}

beforeAll(async () => {
  mkdirSync('.state', { recursive: true });
  const haproxyLog = openSync('.state/cells-haproxy.log', 'w');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  removeSandboxes();
  startCell(0);
  startCell(1);
  children.haproxy = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
    env: {
      ...process.env,
      COURSE_HAPROXY_BIND: `127.0.0.1:${ports.haproxy}`,
      COURSE_CELL_1: `127.0.0.1:${ports.cells[0]}`,
      COURSE_CELL_2: `127.0.0.1:${ports.cells[1]}`,
      COURSE_AGENT_1: String(ports.agents[0]),
      COURSE_AGENT_2: String(ports.agents[1]),
    },
    // What HAProxy saw of the cells (up, down, drained), for a failure's reader.
    stdio: ['ignore', haproxyLog, haproxyLog],
  });
  // Both cells ready, and HAProxy sending newcomers to each of them.
  await until(async () => ((await newcomersLandOn(6)).filter((cell, i, all) => cell && all.indexOf(cell) === i).length === 2 ? true : undefined), 'both cells behind HAProxy', 90_000);
}, 120_000);

afterAll(async () => {
  for (const child of Object.values(children)) child?.kill('SIGKILL');
  removeSandboxes();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

describe('cells behind HAProxy', () => {
  it('spreads newcomers over the open cells and keeps each learner on the cell they got', async () => {
    const learners = Array.from({ length: 8 }, () => new Learner());
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

  it('shares learners, their sessions and classes through PostgreSQL, whichever cell answers', async () => {
    const instructor = learnerOn('cell-1');
    const made = await instructor.post('/api/classes', { title: 'Across cells', locale: 'en', lessons: ['virtualization/from-vms-to-containers'] });
    expect([made.status, made.headers.get('x-course-cell')]).toEqual([201, 'cell-1']);
    const { code, teach } = (await made.json()) as { code: string; teach: string };

    // The instructor's live dashboard, on cell-1, hears of a join on cell-2 from PostgreSQL, before its
    // own refresh (every 5 s) would have found it.
    const token = teach.split('#')[1]!;
    const live = await instructor.get(`/api/teach/${token}/events`);
    expect(live.headers.get('x-course-cell')).toBe('cell-1');
    const events = live.body!.pipeThrough(new TextDecoderStream()).getReader();
    const opened = Date.now();
    expect((await events.read()).value).toContain('"learners":[]');

    const learner = learnerOn('cell-2');
    expect((await learner.post('/api/session')).status).toBe(204);
    const joined = await learner.post('/api/classes/join', { code, name: 'Ada' });
    expect([joined.status, joined.headers.get('x-course-cell')]).toEqual([200, 'cell-2']);
    let seen = '';
    while (!seen.includes('"Ada"')) seen += (await events.read()).value ?? '';
    expect(Date.now() - opened).toBeLessThan(4500);
    await events.cancel();
    // The session cell-2 signed is good on cell-1: every cell signs with the secret kept in the database.
    const there = await learner.get('/api/class?cell=cell-1');
    expect([there.headers.get('x-course-cell'), ((await there.json()) as { class: { title: string } | null }).class?.title]).toEqual(['cell-1', 'Across cells']);

    // The learner's lesson starts a sandbox on cell-2; the instructor's dashboard, on cell-1, shows it
    // there, so the instructor's view of that terminal can name its cell.
    expect((await learner.post('/api/session?lesson=/en/virtualization/from-vms-to-containers')).status).toBe(204);
    const ada = async () => {
      const dashboard = await instructor.get(`/api/teach/${token}`);
      expect(dashboard.headers.get('x-course-cell')).toBe('cell-1');
      return ((await dashboard.json()) as { learners: { name: string; nodes: number; cell: string | null }[] }).learners.find((l) => l.name === 'Ada');
    };
    expect(await until(async () => ((await ada())?.nodes === 1 ? ada() : undefined), 'the sandbox of Ada on the dashboard', 90_000)).toMatchObject({ nodes: 1, cell: 'cell-2' });

    // Her private continue link, opened in another browser through any cell, leads back to cell-2.
    const { path } = (await (await learner.post('/api/learner/link')).json()) as { path: string };
    for (const cell of names) {
      const elsewhere = learnerOn(cell);
      expect((await elsewhere.get(path, { 'x-course-cell': cell })).status).toBe(303);
      expect(await elsewhere.cell()).toBe('cell-2');
    }
  });

  it('a draining cell keeps its learners, takes no newcomers, and is reached by requests that name it', async () => {
    const stays = new Learner();
    while ((await stays.cell()) !== 'cell-1') stays.cookies.clear();
    children['cell-1']!.kill('SIGUSR2');
    await until(async () => ((await newcomersLandOn(6)).every((cell) => cell === 'cell-2') ? true : undefined), 'newcomers sent to cell-2 only', 15_000);
    for (let n = 0; n < 5; n++) expect(await stays.cell()).toBe('cell-1');
    const health = await fetch(`http://127.0.0.1:${ports.cells[0]}/healthz`);
    expect([health.status, (await health.json()).cell]).toEqual([200, { name: 'cell-1', state: 'draining' }]);
    // An embedded lesson or an instructor names the cell: a newcomer without a cookie reaches it anyway.
    expect((await new Learner().get('/api/progress?cell=cell-1')).headers.get('x-course-cell')).toBe('cell-1');
    expect((await new Learner().get('/api/progress', { 'x-course-cell': 'cell-1' })).headers.get('x-course-cell')).toBe('cell-1');
  });

  // cell-1 drains since the test before, so cell-2 is where newcomers go.
  it('sends the learners of a cell that died to another cell', async () => {
    const learner = learnerOn('cell-1');
    expect(await learner.cell()).toBe('cell-1');
    children['cell-1']!.kill('SIGKILL');
    await until(async () => ((await learner.cell()) === 'cell-2' ? true : undefined), 'the learner sent to cell-2', 15_000);
    expect(learner.cookies.get('course_cell')).toBe('cell-2');
  });
});
