import '#server-only';
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import type { CellReport, CheckEvent, ClassNews, ClassNewsItem, ClassRecord, ClassStore, LearnerPlace, Member, Progress, Store } from '.';

/**
 * Migrations in order; schema_version says how many have run. Append, never edit: a database made by an
 * older version of the course is brought up to date on start. Times are epoch milliseconds, as in SQLite.
 */
const migrations = [
  `CREATE TABLE passed_check (
     learner TEXT NOT NULL,
     lesson TEXT NOT NULL,
     check_id TEXT NOT NULL,
     passed_at BIGINT NOT NULL,
     PRIMARY KEY (learner, lesson, check_id)
   );
   CREATE TABLE class (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     locale TEXT NOT NULL,
     lessons JSONB NOT NULL,
     code TEXT NOT NULL CONSTRAINT class_code_key UNIQUE,
     capacity INTEGER NOT NULL,
     created_at BIGINT NOT NULL,
     starts_at BIGINT,
     ends_at BIGINT,
     ended_at BIGINT,
     pinned TEXT
   );
   CREATE TABLE class_member (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     class_id TEXT NOT NULL REFERENCES class (id),
     learner TEXT NOT NULL,
     name TEXT NOT NULL,
     joined_at BIGINT NOT NULL,
     UNIQUE (class_id, learner)
   );
   CREATE INDEX class_member_by_learner ON class_member (learner, joined_at);
   -- seq keeps attempts made in the same millisecond in the order they were made.
   CREATE TABLE check_attempt (
     seq BIGINT GENERATED ALWAYS AS IDENTITY,
     learner TEXT NOT NULL,
     lesson TEXT NOT NULL,
     check_id TEXT NOT NULL,
     passed BOOLEAN NOT NULL,
     at BIGINT NOT NULL
   );
   CREATE INDEX check_attempt_by_learner ON check_attempt (learner, at);`,
  // One row at most: the secret every server of the course signs sessions with.
  `CREATE TABLE course_secret (
     only_one BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_one),
     secret BYTEA NOT NULL
   );`,
  // Where each learner's sandbox is, among the cells.
  `CREATE TABLE learner_cell (
     learner TEXT PRIMARY KEY,
     cell TEXT NOT NULL,
     nodes INTEGER NOT NULL,
     at BIGINT NOT NULL
   );`,
  // The cell a class was made on, which kept its seats warm (until the cells shared them).
  `ALTER TABLE class ADD COLUMN cell TEXT`,
  // What each cell last said of itself: open to newcomers or not, and its warm seats by class. The cells
  // share a class's seats, so it has no cell of its own any more.
  `CREATE TABLE cell_report (
     cell TEXT PRIMARY KEY,
     open BOOLEAN NOT NULL,
     warm JSONB NOT NULL,
     at BIGINT NOT NULL
   );
   ALTER TABLE class DROP COLUMN cell;`,
];

/** Any constant: every server of one course takes the same lock, so only the first to start migrates. */
const migrationLock = 0x636f75727365; // "course"

/** How long an operation keeps trying while PostgreSQL is away (a restart, a failover) before it fails loudly. */
const awayForAtMostMs = 15_000;
/** Connection errors, and PostgreSQL's own for a server shutting down or starting: worth trying again. */
const awayCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
const isAway = (error: unknown) => awayCodes.has((error as { code?: string }).code ?? '') || /Connection terminated/i.test((error as Error)?.message ?? '');

/**
 * Runs `work` again while PostgreSQL is away, for up to `awayForAtMostMs`: a passed check is never
 * dropped by a restart, and after that long the caller gets the error (the learner's check says so).
 */
async function persistently<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + awayForAtMostMs;
  for (let waitMs = 100; ; waitMs = Math.min(2 * waitMs, 2000)) {
    try {
      return await work();
    } catch (error) {
      if (!isAway(error) || Date.now() + waitMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** The pool as the store uses it: every query and transaction tried again while PostgreSQL is away. */
interface Db {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

/** Join codes avoid characters that are easy to misread aloud or on a projector (0/O, 1/I/L). */
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const newCode = () => Array.from({ length: 6 }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join('');

interface ClassRow {
  id: string;
  title: string;
  locale: string;
  lessons: string[];
  code: string;
  capacity: number;
  created_at: number;
  starts_at: number | null;
  ends_at: number | null;
  ended_at: number | null;
  pinned: string | null;
}

const toClass = (row: ClassRow): ClassRecord => ({
  id: row.id,
  title: row.title,
  locale: row.locale,
  lessons: row.lessons,
  code: row.code,
  capacity: row.capacity,
  createdAt: row.created_at,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  endedAt: row.ended_at,
  pinned: row.pinned,
});

type MemberRow = { id: number; learner: string; name: string; joined_at: number };
const toMember = (row: MemberRow): Member => ({ id: row.id, learner: row.learner, name: row.name, joinedAt: row.joined_at });
type EventRow = { learner: string; lesson: string; check_id: string; passed: boolean; at: number };
const toEvent = (row: EventRow): CheckEvent => ({ learner: row.learner, lesson: row.lesson, check: row.check_id, passed: row.passed, at: row.at });

/**
 * The store in PostgreSQL, which several servers of the course can share: what one writes, the others
 * read at once, and seats are counted under a lock on the class, so no class takes more than its capacity.
 */
export async function openPostgresStore(url: string, now: () => number = Date.now): Promise<Store> {
  // BIGINT (times, member ids, counts) arrives as text, since it can exceed a JS number; epoch
  // milliseconds and row counts never do. Set on this pool only, not for every pg user in the process.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({ connectionString: url, types });
  // A connection the server dropped while idle (a restart, a failover) is replaced on the next query;
  // without a listener its error would end the process.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const db: Db = {
    query: (text, values) => persistently(() => pool.query(text, values)),
    transaction: (work) => persistently(() => transaction(pool, work)),
  };
  const news = new PostgresNews(url, db);
  await news.start();

  return {
    async recordCheck(learner, lesson, check, ok) {
      // One statement, so the attempt and the pass are written together or not at all.
      await db.query(
        `WITH attempt AS (INSERT INTO check_attempt (learner, lesson, check_id, passed, at) VALUES ($1, $2, $3, $4, $5))
         INSERT INTO passed_check (learner, lesson, check_id, passed_at) SELECT $1, $2, $3, $5 WHERE $4 ON CONFLICT DO NOTHING`,
        [learner, lesson, check, ok, now()],
      );
    },
    async progress(learner): Promise<Progress> {
      const { rows } = await db.query<{ lesson: string; check_id: string }>(
        'SELECT lesson, check_id FROM passed_check WHERE learner = $1 ORDER BY passed_at, check_id',
        [learner],
      );
      const byLesson: Record<string, string[]> = {};
      for (const row of rows) (byLesson[row.lesson] ??= []).push(row.check_id);
      return { passed: byLesson, last: rows.at(-1)?.lesson ?? null };
    },
    classes: classStore(db, now),
    async sharedSecret(candidate) {
      // Servers starting at once may all offer theirs; the first one stored is the one they all get.
      await db.query('INSERT INTO course_secret (secret) VALUES ($1) ON CONFLICT DO NOTHING', [candidate]);
      return (await db.query<{ secret: Buffer }>('SELECT secret FROM course_secret')).rows[0]!.secret;
    },
    news,
    async placeLearner(learner, cell, nodes) {
      if (nodes > 0) {
        await db.query(
          `INSERT INTO learner_cell (learner, cell, nodes, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (learner) DO UPDATE SET cell = EXCLUDED.cell, nodes = EXCLUDED.nodes, at = EXCLUDED.at`,
          [learner, cell, nodes, now()],
        );
      } else {
        // A cell letting go of a learner who has moved on to another cell changes nothing.
        await db.query('UPDATE learner_cell SET nodes = 0, at = $3 WHERE learner = $1 AND cell = $2', [learner, cell, now()]);
      }
    },
    cells: {
      async report({ cell, open, warm }) {
        await db.query(
          `INSERT INTO cell_report (cell, open, warm, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (cell) DO UPDATE SET open = EXCLUDED.open, warm = EXCLUDED.warm, at = EXCLUDED.at`,
          [cell, open, JSON.stringify(warm), now()],
        );
      },
      async recent(withinMs) {
        return (await db.query<CellReport>('SELECT cell, open, warm FROM cell_report WHERE at >= $1 ORDER BY cell', [now() - withinMs])).rows;
      },
    },
    async learnerPlaces(learners) {
      if (learners.length === 0) return new Map();
      const { rows } = await db.query<{ learner: string } & LearnerPlace>('SELECT learner, cell, nodes FROM learner_cell WHERE learner = ANY($1)', [learners]);
      return new Map(rows.map(({ learner, cell, nodes }) => [learner, { cell, nodes }]));
    },
    async close() {
      await news.stop();
      await pool.end();
    },
  };
}

function classStore(db: Db, now: () => number): ClassStore {
  const classes = async (sql: string, values: unknown[]) => (await db.query<ClassRow>(sql, values)).rows.map(toClass);
  const oneClass = async (sql: string, values: unknown[]) => (await classes(sql, values))[0] ?? null;
  const events = async (sql: string, values: unknown[]) => (await db.query<EventRow>(sql, values)).rows.map(toEvent);

  return {
    async create(input) {
      const id = randomBytes(16).toString('hex');
      // Codes are few enough to collide now and then: draw again rather than fail.
      for (let tries = 0; ; tries++) {
        try {
          return (await oneClass(
            `INSERT INTO class (id, title, locale, lessons, code, capacity, created_at, starts_at, ends_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
            [id, input.title, input.locale, JSON.stringify(input.lessons), newCode(), input.capacity, now(), input.startsAt ?? null, input.endsAt],
          ))!;
        } catch (error) {
          const { code, constraint } = error as { code?: string; constraint?: string };
          if (code !== '23505' || constraint !== 'class_code_key' || tries > 20) throw error;
        }
      }
    },
    byId: (id) => oneClass('SELECT * FROM class WHERE id = $1', [id]),
    byCode: (code) => oneClass('SELECT * FROM class WHERE code = $1', [code]),
    join: (classId, learner, name) =>
      db.transaction(async (client): Promise<Member | 'full'> => {
        // Every join to this class waits here for the one before it, on whichever server it runs, so
        // the seats counted below are the seats taken.
        const klass = await client.query<{ capacity: number }>('SELECT capacity FROM class WHERE id = $1 FOR UPDATE', [classId]);
        if (!klass.rows[0]) return 'full';
        const at = now();
        const renamed = await client.query<MemberRow>(
          'UPDATE class_member SET name = $3, joined_at = $4 WHERE class_id = $1 AND learner = $2 RETURNING id, learner, name, joined_at',
          [classId, learner, name, at],
        );
        if (renamed.rows[0]) return toMember(renamed.rows[0]);
        const seats = await client.query<{ n: number }>('SELECT count(*) AS n FROM class_member WHERE class_id = $1', [classId]);
        if (seats.rows[0]!.n >= klass.rows[0].capacity) return 'full';
        const added = await client.query<MemberRow>(
          'INSERT INTO class_member (class_id, learner, name, joined_at) VALUES ($1, $2, $3, $4) RETURNING id, learner, name, joined_at',
          [classId, learner, name, at],
        );
        return toMember(added.rows[0]!);
      }),
    async membership(learner) {
      const { rows } = await db.query<ClassRow & { member_id: number; learner: string; name: string; joined_at: number }>(
        `SELECT c.*, m.id AS member_id, m.learner, m.name, m.joined_at FROM class_member m JOIN class c ON c.id = m.class_id
         WHERE m.learner = $1 ORDER BY m.joined_at DESC, m.id DESC LIMIT 1`,
        [learner],
      );
      const row = rows[0];
      return row ? { class: toClass(row), member: toMember({ ...row, id: row.member_id }) } : null;
    },
    members: async (classId) =>
      (await db.query<MemberRow>('SELECT id, learner, name, joined_at FROM class_member WHERE class_id = $1 ORDER BY id', [classId])).rows.map(toMember),
    pin: async (classId, lesson) => void (await db.query('UPDATE class SET pinned = $2 WHERE id = $1', [classId, lesson])),
    end: async (classId) => void (await db.query('UPDATE class SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [classId, now()])),
    startingBetween: (from, to) =>
      classes('SELECT * FROM class WHERE ended_at IS NULL AND starts_at BETWEEN $1 AND $2 ORDER BY created_at, id', [from, to]),
    due: (at) => classes('SELECT * FROM class WHERE ended_at IS NULL AND ends_at IS NOT NULL AND ends_at <= $1 ORDER BY created_at, id', [at]),
    async liveCount(at) {
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*) AS n FROM class WHERE ended_at IS NULL AND (starts_at IS NULL OR starts_at <= $1) AND (ends_at IS NULL OR ends_at > $1)',
        [at],
      );
      return rows[0]!.n;
    },
    attempts: (classId) =>
      events(
        `SELECT a.learner, a.lesson, a.check_id, a.passed, a.at FROM check_attempt a
         JOIN class_member m ON m.learner = a.learner JOIN class c ON c.id = m.class_id
         WHERE c.id = $1 AND a.at >= c.created_at ORDER BY a.at, a.seq`,
        [classId],
      ),
    passes: (classId) =>
      events(
        `SELECT p.learner, p.lesson, p.check_id, true AS passed, p.passed_at AS at FROM passed_check p
         JOIN class_member m ON m.learner = p.learner WHERE m.class_id = $1 ORDER BY p.passed_at, p.learner, p.lesson, p.check_id`,
        [classId],
      ),
  };
}

/** The channel every server of the course listens on. */
const newsChannel = 'course_class_news';
/** A listening connection that broke is made again after this long; news sent meanwhile is lost, and dashboards catch up at their next tick. */
const relistenMs = 1000;

/**
 * Class news through PostgreSQL's NOTIFY: announced on the pool, heard on one connection kept for LISTEN.
 * Each store signs what it sends, to leave out its own news.
 */
class PostgresNews implements ClassNews {
  private readonly listeners: ((news: ClassNewsItem) => void)[] = [];
  private readonly self = randomBytes(8).toString('hex');
  private listening: pg.Client | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly db: Db,
  ) {}

  async announce(news: ClassNewsItem) {
    await this.db.query('SELECT pg_notify($1, $2)', [newsChannel, JSON.stringify({ from: this.self, news })]);
  }

  listen(listener: (news: ClassNewsItem) => void) {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', ({ payload }) => this.heard(payload));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${newsChannel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.listening = client;
  }

  async stop() {
    this.stopped = true;
    await this.listening?.end().catch(() => {});
  }

  private heard(payload: string | undefined) {
    let sent: { from: string; news: ClassNewsItem };
    try {
      sent = JSON.parse(payload ?? '') as typeof sent;
    } catch {
      return;
    }
    if (sent.from === this.self) return;
    for (const listener of this.listeners) listener(sent.news);
  }

  private lost(client: pg.Client) {
    if (this.listening !== client || this.stopped) return;
    this.listening = null;
    const again = () => {
      if (!this.stopped) this.start().catch(() => setTimeout(again, relistenMs).unref());
    };
    setTimeout(again, relistenMs).unref();
  }
}

async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection that failed in a transaction is closed rather than given back: it may be broken.
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release(failed);
  }
}

async function migrate(pool: pg.Pool) {
  await transaction(pool, async (client) => {
    // Servers starting at the same moment take turns; the later ones find the work done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const done = rows[0]?.version ?? 0;
    if (done > migrations.length) {
      const { rows: [here] } = await client.query<{ name: string }>('SELECT current_database() AS name');
      throw new Error(`the store in database ${here?.name} was written by a newer version of the course (schema ${done})`);
    }
    if (done === migrations.length) return;
    for (const sql of migrations.slice(done)) await client.query(sql);
    if (rows[0]) await client.query('UPDATE schema_version SET version = $1', [migrations.length]);
    else await client.query('INSERT INTO schema_version (version) VALUES ($1)', [migrations.length]);
  });
}
