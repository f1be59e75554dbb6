import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import pg from 'pg';
import { waitFor } from '../wait-for';

export const cellNames = ['cell-1', 'cell-2'] as const;
export type CellName = (typeof cellNames)[number];

/**
 * Two real cells (course servers of the built site, each with its own sandbox instance on the course's
 * engine) behind a real HAProxy with the configuration the repository ships, sharing one real PostgreSQL
 * database of their own: for the cells' test and their benchmark.
 */
export class CellCluster {
  readonly origin: string;
  private readonly ports: { haproxy: number; cells: number[]; agents: number[] };
  private readonly instances: string[];
  private readonly children = new Map<CellName | 'haproxy', ChildProcess>();
  private database: ScratchDatabase | null = null;

  /** Ports from `basePort` on: HAProxy's, then the cells', then their agents'. */
  constructor(basePort: number, private readonly name = 'cells') {
    this.ports = { haproxy: basePort, cells: [basePort + 1, basePort + 2], agents: [basePort + 3, basePort + 4] };
    this.origin = `http://127.0.0.1:${basePort}`;
    this.instances = cellNames.map((_, i) => `${name}-${i + 1}`);
  }

  /** `settings` go to both cells, `perCell` to one (such as a smaller capacity). */
  async start(settings: Record<string, string> = {}, perCell: Partial<Record<CellName, Record<string, string>>> = {}): Promise<void> {
    const database = await scratchDatabase('cells');
    this.database = database;
    this.removeSandboxes();
    mkdirSync('.state', { recursive: true });
    cellNames.forEach((cell, i) => this.startCell(i, database.url, { ...settings, ...perCell[cell] }));
    // What HAProxy saw of the cells (up, down, drained), for a failure's reader.
    const log = openSync(`.state/${this.name}-haproxy.log`, 'w');
    const [one, two] = this.ports.cells;
    const [agentOne, agentTwo] = this.ports.agents;
    const env = { COURSE_HAPROXY_BIND: `127.0.0.1:${this.ports.haproxy}`, COURSE_CELL_1: `127.0.0.1:${one}`, COURSE_CELL_2: `127.0.0.1:${two}`, COURSE_AGENT_1: String(agentOne), COURSE_AGENT_2: String(agentTwo) };
    this.children.set('haproxy', spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] }));
    // Both cells ready, and HAProxy sending newcomers to each of them.
    await waitFor('both cells behind HAProxy', async () => new Set(await this.newcomersLandOn(6)).size === 2, 90_000, 250);
  }

  /** Where new learners, each with no cookie, land now. */
  newcomersLandOn(count: number): Promise<(string | null)[]> {
    return Promise.all(Array.from({ length: count }, () => new Learner(this.origin).cell().catch(() => null)));
  }

  /** A learner who has been on a cell: they carry its cookie, as HAProxy set it on their first answer. */
  learnerOn(cell: CellName): Learner {
    const learner = new Learner(this.origin);
    learner.cookies.set('course_cell', cell);
    return learner;
  }

  /** A cell's own address, past HAProxy. */
  cellUrl(cell: CellName): string {
    return `http://127.0.0.1:${this.ports.cells[cellNames.indexOf(cell)]}`;
  }

  /** Asks the cells' database directly, for what no endpoint says (where learners' sandboxes are). */
  async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.database!.url });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  signal(cell: CellName, signal: 'SIGUSR2' | 'SIGKILL'): void {
    this.children.get(cell)?.kill(signal);
  }

  async stop(): Promise<void> {
    for (const child of this.children.values()) child.kill('SIGKILL');
    this.removeSandboxes();
    await this.database?.drop();
  }

  private startCell(index: number, databaseUrl: string, settings: Record<string, string>) {
    const cell = cellNames[index]!;
    const instance = this.instances[index]!;
    rmSync(`.state/${instance}`, { recursive: true, force: true });
    const env = {
      PORT: String(this.ports.cells[index]),
      HOST: '127.0.0.1',
      COURSE_CELL: cell,
      COURSE_AGENT_PORT: String(this.ports.agents[index]),
      COURSE_DATABASE_URL: databaseUrl,
      COURSE_ALLOWED_ORIGINS: this.origin,
      COURSE_STATE_DIR: `.state/${instance}`,
      COURSE_INSTANCE: instance,
      COURSE_SANDBOX_POOL: '0',
      ...settings,
    };
    // Its log, for a failure's reader.
    const log = openSync(`.state/${instance}.log`, 'w');
    this.children.set(cell, spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] }));
  }

  /** Sandboxes the cells started (and a previous run left), gone from the engine. */
  private removeSandboxes() {
    for (const instance of this.instances) execFileSync('bash', ['scripts/engine/remove-sandboxes.sh', instance], { stdio: 'inherit' });
  }

}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of its own on the tests' PostgreSQL (scripts/postgres.sh), gone after `drop`. */
export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const adminUrl = execFileSync('bash', ['scripts/postgres.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)!;
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return { url: Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A browser of its own: it keeps the cookies it is given, as HAProxy's and the course's. */
export class Learner {
  readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async get(path: string, headers: Record<string, string> = {}) {
    // A redirect is the learner's next request: its cookies come first.
    return this.keep(await fetch(this.origin + path, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: 'manual' }));
  }

  async post(path: string, body?: unknown) {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), origin: this.origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.keep(await fetch(this.origin + path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  }

  /** The cell that answers this learner now. */
  async cell(): Promise<string | null> {
    return (await this.get('/api/progress')).headers.get('x-course-cell');
  }

  cookieHeader(): string {
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
