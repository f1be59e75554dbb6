import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@/lib/store/sqlite';

const dirs: string[] = [];
const newFile = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'course-store-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'course.db');
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the SQLite store', () => {
  it('keeps each learner’s passed checks by lesson, once each, and the lesson they were last in', () => {
    let clock = 1000;
    const store = openSqliteStore(newFile(), () => clock++);
    store.recordPass('a', 'images/first-dockerfile', 'built');
    store.recordPass('a', 'volumes/keeping-data', 'data-volume');
    store.recordPass('a', 'images/first-dockerfile', 'tagged');
    store.recordPass('a', 'images/first-dockerfile', 'built');
    store.recordPass('b', 'swarm/first-swarm', 'cluster');
    expect(store.progress('a')).toEqual({ passed: { 'images/first-dockerfile': ['built', 'tagged'], 'volumes/keeping-data': ['data-volume'] }, last: 'images/first-dockerfile' });
    expect(store.progress('nobody')).toEqual({ passed: {}, last: null });
    store.close();
  });

  it('still has everything after the process ends without closing it', () => {
    const file = newFile();
    const first = openSqliteStore(file);
    first.recordPass('a', 'basics/one', 'x');
    // No close(): as after a crash, the write-ahead log must carry the committed write.
    const second = openSqliteStore(file);
    expect(second.progress('a').passed).toEqual({ 'basics/one': ['x'] });
    second.close();
    first.close();
  });

  it('brings an older file up to date, and refuses one from a newer version of the course', () => {
    const file = newFile();
    openSqliteStore(file).close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(/newer version of the course/);
  });
});
