import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Progress, Store } from '.';

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
];

/** The store in one SQLite file, in write-ahead-log mode with full sync: a crash mid-write loses nothing committed. */
export function openSqliteStore(file: string, now: () => number = Date.now): Store {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const insert = db.prepare('INSERT OR IGNORE INTO passed_check (learner, lesson, check_id, passed_at) VALUES (?, ?, ?, ?)');
  const passed = db.prepare<[string], { lesson: string; check_id: string }>('SELECT lesson, check_id FROM passed_check WHERE learner = ? ORDER BY passed_at, check_id');
  const last = db.prepare<[string], { lesson: string }>('SELECT lesson FROM passed_check WHERE learner = ? ORDER BY passed_at DESC LIMIT 1');

  return {
    recordPass(learner, lesson, check) {
      insert.run(learner, lesson, check, now());
    },
    progress(learner): Progress {
      const byLesson: Record<string, string[]> = {};
      for (const row of passed.all(learner)) (byLesson[row.lesson] ??= []).push(row.check_id);
      return { passed: byLesson, last: last.get(learner)?.lesson ?? null };
    },
    close: () => db.close(),
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
