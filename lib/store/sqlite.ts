import '#server-only';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CheckEvent, ClassRecord, ClassStore, Member, Progress, Store } from '.';

/**
 * Migrations in order; the database's user_version says how many have run. Append, never edit:
 * a file made by an older version of the course is brought up to date on start.
 */
const migrations = [
  `CREATE TABLE passed_check (
     learner TEXT NOT NULL,
     lesson TEXT NOT NULL,
     check_id TEXT NOT NULL,
     passed_at INTEGER NOT NULL,
     PRIMARY KEY (learner, lesson, check_id)
   ) WITHOUT ROWID`,
  `CREATE TABLE class (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     locale TEXT NOT NULL,
     lessons TEXT NOT NULL,
     code TEXT NOT NULL UNIQUE,
     capacity INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     ends_at INTEGER,
     ended_at INTEGER,
     pinned TEXT
   );
   CREATE TABLE class_member (
     id INTEGER PRIMARY KEY,
     class_id TEXT NOT NULL REFERENCES class (id),
     learner TEXT NOT NULL,
     name TEXT NOT NULL,
     joined_at INTEGER NOT NULL,
     UNIQUE (class_id, learner)
   );
   CREATE INDEX class_member_by_learner ON class_member (learner, joined_at);
   CREATE TABLE check_attempt (
     learner TEXT NOT NULL,
     lesson TEXT NOT NULL,
     check_id TEXT NOT NULL,
     passed INTEGER NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX check_attempt_by_learner ON check_attempt (learner, at);`,
  // A start time, so a class's seats can be warm when it begins; classes made before have none.
  `ALTER TABLE class ADD COLUMN starts_at INTEGER`,
];

/** Join codes avoid characters that are easy to misread aloud or on a projector (0/O, 1/I/L). */
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const newCode = () => Array.from({ length: 6 }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join('');

interface ClassRow {
  id: string;
  title: string;
  locale: string;
  lessons: string;
  code: string;
  capacity: number;
  created_at: number;
  starts_at: number | null;
  ends_at: number | null;
  ended_at: number | null;
  pinned: string | null;
}

const toClass = (row: ClassRow | undefined): ClassRecord | null =>
  row
    ? { id: row.id, title: row.title, locale: row.locale, lessons: JSON.parse(row.lessons) as string[], code: row.code, capacity: row.capacity, createdAt: row.created_at, startsAt: row.starts_at, endsAt: row.ends_at, endedAt: row.ended_at, pinned: row.pinned }
    : null;

type MemberRow = { id: number; learner: string; name: string; joined_at: number };
const toMember = (row: MemberRow): Member => ({ id: row.id, learner: row.learner, name: row.name, joinedAt: row.joined_at });
type EventRow = { learner: string; lesson: string; check_id: string; passed: number; at: number };
const toEvent = (row: EventRow): CheckEvent => ({ learner: row.learner, lesson: row.lesson, check: row.check_id, passed: row.passed === 1, at: row.at });

/** The store in one SQLite file, in write-ahead-log mode with full sync: a crash mid-write loses nothing committed. */
export function openSqliteStore(file: string, now: () => number = Date.now): Store {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const insertPass = db.prepare('INSERT OR IGNORE INTO passed_check (learner, lesson, check_id, passed_at) VALUES (?, ?, ?, ?)');
  const insertAttempt = db.prepare('INSERT INTO check_attempt (learner, lesson, check_id, passed, at) VALUES (?, ?, ?, ?, ?)');
  const passed = db.prepare<[string], { lesson: string; check_id: string }>('SELECT lesson, check_id FROM passed_check WHERE learner = ? ORDER BY passed_at, check_id');
  const last = db.prepare<[string], { lesson: string }>('SELECT lesson FROM passed_check WHERE learner = ? ORDER BY passed_at DESC LIMIT 1');

  const classes = classStore(db, now);
  const record = db.transaction((learner: string, lesson: string, check: string, ok: boolean) => {
    const at = now();
    insertAttempt.run(learner, lesson, check, ok ? 1 : 0, at);
    if (ok) insertPass.run(learner, lesson, check, at);
  });
  return {
    recordCheck: async (learner, lesson, check, ok) => record(learner, lesson, check, ok),
    async progress(learner): Promise<Progress> {
      const byLesson: Record<string, string[]> = {};
      for (const row of passed.all(learner)) (byLesson[row.lesson] ??= []).push(row.check_id);
      return { passed: byLesson, last: last.get(learner)?.lesson ?? null };
    },
    classes,
    // One server owns the file: there is no other to tell, and every sandbox is its own.
    news: { announce: async () => {}, listen: () => {} },
    placeLearner: async () => {},
    learnerPlaces: async () => new Map(),
    cells: { report: async () => {}, recent: async () => [] },
    // One server owns the file: its own secret (in the state directory) is the shared one.
    sharedSecret: async (candidate) => candidate,
    close: async () => void db.close(),
  };
}

function classStore(db: Database.Database, now: () => number): ClassStore {
  const insert = db.prepare('INSERT INTO class (id, title, locale, lessons, code, capacity, created_at, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const byId = db.prepare<[string], ClassRow>('SELECT * FROM class WHERE id = ?');
  const byCode = db.prepare<[string], ClassRow>('SELECT * FROM class WHERE code = ?');
  const seats = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM class_member WHERE class_id = ?');
  const memberOf = db.prepare<[string, string], MemberRow>('SELECT id, learner, name, joined_at FROM class_member WHERE class_id = ? AND learner = ?');
  const addMember = db.prepare('INSERT INTO class_member (class_id, learner, name, joined_at) VALUES (?, ?, ?, ?)');
  const rename = db.prepare('UPDATE class_member SET name = ?, joined_at = ? WHERE id = ?');
  const latest = db.prepare<[string], MemberRow & { class_id: string }>('SELECT id, class_id, learner, name, joined_at FROM class_member WHERE learner = ? ORDER BY joined_at DESC, id DESC LIMIT 1');
  const members = db.prepare<[string], MemberRow>('SELECT id, learner, name, joined_at FROM class_member WHERE class_id = ? ORDER BY id');
  const pin = db.prepare('UPDATE class SET pinned = ? WHERE id = ?');
  const end = db.prepare('UPDATE class SET ended_at = ? WHERE id = ? AND ended_at IS NULL');
  const startingBetween = db.prepare<[number, number], ClassRow>('SELECT * FROM class WHERE ended_at IS NULL AND starts_at BETWEEN ? AND ?');
  const due = db.prepare<[number], ClassRow>('SELECT * FROM class WHERE ended_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ?');
  const live = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM class WHERE ended_at IS NULL AND (starts_at IS NULL OR starts_at <= ?) AND (ends_at IS NULL OR ends_at > ?)',
  );
  const attempts = db.prepare<[string], EventRow>(
    `SELECT a.learner, a.lesson, a.check_id, a.passed, a.at FROM check_attempt a
     JOIN class_member m ON m.learner = a.learner JOIN class c ON c.id = m.class_id
     WHERE c.id = ? AND a.at >= c.created_at ORDER BY a.at`,
  );
  const passes = db.prepare<[string], EventRow>(
    `SELECT p.learner, p.lesson, p.check_id, 1 AS passed, p.passed_at AS at FROM passed_check p
     JOIN class_member m ON m.learner = p.learner WHERE m.class_id = ? ORDER BY p.passed_at`,
  );

  const join = db.transaction((classId: string, learner: string, name: string): Member | 'full' => {
    const existing = memberOf.get(classId, learner);
    const at = now();
    if (existing) {
      rename.run(name, at, existing.id);
      return { ...toMember(existing), name, joinedAt: at };
    }
    const klass = byId.get(classId);
    if (!klass || seats.get(classId)!.n >= klass.capacity) return 'full';
    const id = Number(addMember.run(classId, learner, name, at).lastInsertRowid);
    return { id, learner, name, joinedAt: at };
  });

  // better-sqlite3 answers at once; the methods are asynchronous only to share the interface with PostgreSQL.
  return {
    async create(input) {
      const id = randomBytes(16).toString('hex');
      // Codes are few enough to collide now and then: draw again rather than fail.
      for (let tries = 0; ; tries++) {
        const code = newCode();
        try {
          insert.run(id, input.title, input.locale, JSON.stringify(input.lessons), code, input.capacity, now(), input.startsAt ?? null, input.endsAt);
          return toClass(byId.get(id))!;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' || tries > 20) throw error;
        }
      }
    },
    byId: async (id) => toClass(byId.get(id)),
    byCode: async (code) => toClass(byCode.get(code)),
    join: async (classId, learner, name) => join(classId, learner, name),
    async membership(learner) {
      const row = latest.get(learner);
      const klass = row && toClass(byId.get(row.class_id));
      return row && klass ? { class: klass, member: toMember(row) } : null;
    },
    members: async (classId) => members.all(classId).map(toMember),
    pin: async (classId, lesson) => void pin.run(lesson, classId),
    end: async (classId) => void end.run(now(), classId),
    startingBetween: async (from, to) => startingBetween.all(from, to).map((row) => toClass(row)!),
    due: async (at) => due.all(at).map((row) => toClass(row)!),
    liveCount: async (at) => live.get(at, at)!.n,
    attempts: async (classId) => attempts.all(classId).map(toEvent),
    passes: async (classId) => passes.all(classId).map(toEvent),
  };
}

function migrate(db: Database.Database) {
  const done = db.pragma('user_version', { simple: true }) as number;
  if (done > migrations.length) throw new Error(`the store ${db.name} was written by a newer version of the course (schema ${done})`);
  for (const [index, sql] of migrations.entries()) {
    if (index < done) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}
