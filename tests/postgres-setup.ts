import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL database whose role may create databases: the store's tests make their own beside it. */
    databaseUrl: string;
  }
}

/** Gives the tests a PostgreSQL: the one in COURSE_TEST_DATABASE_URL, or the local one scripts/postgres.sh sets up. */
export default function setup(project: TestProject) {
  let url = process.env.COURSE_TEST_DATABASE_URL;
  if (!url) {
    const script = path.join(import.meta.dirname, '..', 'scripts', 'postgres.sh');
    // Its progress (an install, a start) shows as it happens; stdout carries the URL alone.
    // The time allows an install of Debian's package; past it the tests fail with a reason instead of hanging.
    const stdout = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 10 * 60_000 });
    url = stdout.trim().split('\n').at(-1);
    if (!url) throw new Error('scripts/postgres.sh printed no database URL');
  }
  project.provide('databaseUrl', url);
}
