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
    store.recordCheck('a', 'images/first-dockerfile', 'built', true);
    store.recordCheck('a', 'volumes/keeping-data', 'data-volume', true);
    store.recordCheck('a', 'images/first-dockerfile', 'tagged', true);
    store.recordCheck('a', 'images/first-dockerfile', 'built', true);
    store.recordCheck('b', 'swarm/first-swarm', 'cluster', true);
    expect(store.progress('a')).toEqual({ passed: { 'images/first-dockerfile': ['built', 'tagged'], 'volumes/keeping-data': ['data-volume'] }, last: 'images/first-dockerfile' });
    expect(store.progress('nobody')).toEqual({ passed: {}, last: null });
    store.close();
  });

  it('still has everything after the process ends without closing it', () => {
    const file = newFile();
    const first = openSqliteStore(file);
    first.recordCheck('a', 'basics/one', 'x', true);
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
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(/newer version of the course/);
  });

  it('gives classes of a file made before start times a start time of none, and keeps them', () => {
    const file = newFile();
    openSqliteStore(file).close();
    // The file as the course left it before classes had start times: schema 2, one class in it.
    const raw = new Database(file);
    raw.exec('ALTER TABLE class DROP COLUMN starts_at');
    raw.pragma('user_version = 2');
    raw.prepare("INSERT INTO class (id, title, locale, lessons, code, capacity, created_at) VALUES ('c1', 'Old', 'en', '[\"m/one\"]', 'OLD234', 5, 1)").run();
    raw.close();
    const store = openSqliteStore(file, () => 10_000);
    expect(store.classes.byId('c1')).toMatchObject({ title: 'Old', capacity: 5, startsAt: null });
    const later = store.classes.create({ title: 'New', locale: 'en', lessons: ['m/one'], capacity: 3, endsAt: null, startsAt: 60_000 });
    expect(store.classes.byId(later.id)?.startsAt).toBe(60_000);
    store.close();
    expect(new Database(file).pragma('user_version', { simple: true })).toBe(3);
  });
});

describe('classes in the SQLite store', () => {
  it('finds the classes that start within a span, leaving out ended ones and those without a start time', () => {
    const store = openSqliteStore(newFile(), () => 1000);
    const make = (title: string, startsAt: number | null) => store.classes.create({ title, locale: 'en', lessons: ['m/one'], capacity: 2, endsAt: null, startsAt });
    const soon = make('soon', 5000);
    make('later', 50_000);
    make('none', null);
    const ended = make('ended', 6000);
    store.classes.end(ended.id);
    expect(store.classes.startingBetween(0, 10_000).map((c) => c.title)).toEqual(['soon']);
    expect(store.classes.startingBetween(5000, 5000).map((c) => c.id)).toEqual([soon.id]);
    store.close();
  });

  it('makes a class with a short code, seats learners up to its capacity, and knows each learner’s class', () => {
    let clock = 1000;
    const store = openSqliteStore(newFile(), () => clock++);
    const klass = store.classes.create({ title: 'Monday', locale: 'en', lessons: ['m/one'], capacity: 2, endsAt: null });
    expect(klass.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(store.classes.byCode(klass.code)?.id).toBe(klass.id);
    const ann = store.classes.join(klass.id, 'ann', 'Ann');
    expect(store.classes.join(klass.id, 'ann', 'Ann K.')).toMatchObject({ id: (ann as { id: number }).id, name: 'Ann K.' });
    store.classes.join(klass.id, 'bo', 'Bo');
    expect(store.classes.join(klass.id, 'cy', 'Cy')).toBe('full');
    expect(store.classes.members(klass.id).map((m) => m.name)).toEqual(['Ann K.', 'Bo']);
    expect(store.classes.membership('bo')?.class.id).toBe(klass.id);
    expect(store.classes.membership('cy')).toBeNull();

    store.classes.pin(klass.id, 'm/one');
    expect(store.classes.byId(klass.id)?.pinned).toBe('m/one');
    store.close();
  });

  it('gives the dashboard the class learners’ attempts since the class began, and their passes of any time', () => {
    let clock = 1000;
    const store = openSqliteStore(newFile(), () => clock++);
    store.recordCheck('ann', 'm/one', 'early', true);
    const klass = store.classes.create({ title: 'Monday', locale: 'en', lessons: ['m/one'], capacity: 30, endsAt: 5000 });
    store.classes.join(klass.id, 'ann', 'Ann');
    store.recordCheck('ann', 'm/one', 'later', false);
    store.recordCheck('stranger', 'm/one', 'later', false);
    expect(store.classes.attempts(klass.id).map((a) => [a.learner, a.check, a.passed])).toEqual([['ann', 'later', false]]);
    expect(store.classes.passes(klass.id).map((p) => p.check)).toEqual(['early']);

    expect(store.classes.due(4999)).toEqual([]);
    expect(store.classes.due(5000).map((c) => c.id)).toEqual([klass.id]);
    store.classes.end(klass.id);
    expect(store.classes.due(6000)).toEqual([]);
    expect(store.classes.byId(klass.id)?.endedAt).not.toBeNull();
    store.close();
  });

  it('counts the classes live now: begun, not past their end time and not ended', () => {
    const store = openSqliteStore(newFile(), () => 1000);
    const open = store.classes.create({ title: 'open', locale: 'en', lessons: ['m/one'], capacity: 30, endsAt: null });
    store.classes.create({ title: 'until 5000', locale: 'en', lessons: ['m/one'], capacity: 30, endsAt: 5000 });
    store.classes.create({ title: 'from 3000', locale: 'en', lessons: ['m/one'], capacity: 30, startsAt: 3000, endsAt: null });
    expect(store.classes.liveCount(2000)).toBe(2);
    expect(store.classes.liveCount(3000)).toBe(3);
    expect(store.classes.liveCount(5000)).toBe(2);
    store.classes.end(open.id);
    expect(store.classes.liveCount(5000)).toBe(1);
    store.close();
  });
});
