import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Store } from '@/lib/store';
import { openPostgresStore } from '@/lib/store/postgres';
import { openSqliteStore } from '@/lib/store/sqlite';

// Codes are random; a test makes two draws alike to see a taken code drawn again.
vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof import('node:crypto')>();
  return { ...actual, randomInt: vi.fn(actual.randomInt) };
});

const dirs: string[] = [];
const newFile = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'course-store-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'course.db');
};

// Every store a test opens is closed after it, passed or failed, so no pool outlives its test.
const opened: Store[] = [];
const keep = (store: Store) => {
  let closed: Promise<void> | undefined;
  const close = store.close.bind(store);
  store.close = () => (closed ??= close());
  opened.push(store);
  return store;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** A store kind: `place()` makes an empty place for a store (a file, a schema), `open` opens one there. */
interface Kind {
  name: string;
  place(): Promise<string>;
  open(place: string, now?: () => number): Promise<Store>;
}

const sqlite: Kind = {
  name: 'SQLite',
  place: async () => newFile(),
  open: async (file, now) => openSqliteStore(file, now),
};

/**
 * Each run works in a database of its own, dropped at the end, and each test in a schema of its own in
 * it, so runs and tests never see each other's rows.
 */
let admin: pg.Pool | undefined;
let runUrl = '';
let schemas = 0;
const postgres: Kind = {
  name: 'PostgreSQL',
  async place() {
    const schema = `test_${++schemas}`;
    await admin!.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(runUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return url.toString();
  },
  open: (url, now) => openPostgresStore(url, now),
};
const runDatabase = `course_test_${randomBytes(6).toString('hex')}`;
const server = () => new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
beforeAll(async () => {
  const pool = server();
  await pool.query(`CREATE DATABASE ${runDatabase}`);
  await pool.end();
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${runDatabase}`;
  runUrl = url.toString();
  admin = new pg.Pool({ connectionString: runUrl, max: 2 });
  // A restart of PostgreSQL (a test below) breaks its idle connections: the next query makes a new one.
  admin.on('error', () => {});
});
afterAll(async () => {
  await admin?.end();
  const pool = server();
  await pool.query(`DROP DATABASE IF EXISTS ${runDatabase} WITH (FORCE)`);
  await pool.end();
});

for (const kind of [sqlite, postgres]) describe(`the ${kind.name} store`, () => {
  const open = async (now?: () => number) => keep(await kind.open(await kind.place(), now));

  it('keeps each learner’s passed checks by lesson, once each, and the lesson they were last in', async () => {
    let clock = 1000;
    const store = await open(() => clock++);
    await store.recordCheck('a', 'images/first-dockerfile', 'built', true);
    await store.recordCheck('a', 'volumes/keeping-data', 'data-volume', true);
    await store.recordCheck('a', 'images/first-dockerfile', 'tagged', true);
    await store.recordCheck('a', 'images/first-dockerfile', 'built', true);
    await store.recordCheck('a', 'images/first-dockerfile', 'failed-once', false);
    await store.recordCheck('b', 'swarm/first-swarm', 'cluster', true);
    expect(await store.progress('a')).toEqual({ passed: { 'images/first-dockerfile': ['built', 'tagged'], 'volumes/keeping-data': ['data-volume'] }, last: 'images/first-dockerfile' });
    expect(await store.progress('nobody')).toEqual({ passed: {}, last: null });
  });

  it('keeps what it was told once closed and opened again', async () => {
    const place = await kind.place();
    const first = keep(await kind.open(place, () => 1000));
    await first.recordCheck('a', 'basics/one', 'x', true);
    const klass = await first.classes.create({ title: 'Kept', locale: 'ko', lessons: ['basics/one', 'basics/two'], capacity: 4, endsAt: 9000, startsAt: 2000 });
    await first.classes.join(klass.id, 'a', 'Ann');
    await first.close();
    const second = keep(await kind.open(place));
    expect((await second.progress('a')).passed).toEqual({ 'basics/one': ['x'] });
    expect(await second.classes.byCode(klass.code)).toEqual({
      id: klass.id, title: 'Kept', locale: 'ko', lessons: ['basics/one', 'basics/two'], code: klass.code, capacity: 4,
      createdAt: 1000, startsAt: 2000, endsAt: 9000, endedAt: null, pinned: null,
    });
    expect(await second.classes.members(klass.id)).toEqual([{ id: expect.any(Number), learner: 'a', name: 'Ann', joinedAt: 1000 }]);
  });

  it('finds the classes that start within a span, leaving out ended ones and those without a start time', async () => {
    const store = await open(() => 1000);
    const make = (title: string, startsAt: number | null) => store.classes.create({ title, locale: 'en', lessons: ['m/one'], capacity: 2, endsAt: null, startsAt });
    const soon = await make('soon', 5000);
    await make('later', 50_000);
    await make('none', null);
    const ended = await make('ended', 6000);
    await store.classes.end(ended.id);
    expect((await store.classes.startingBetween(0, 10_000)).map((c) => c.title)).toEqual(['soon']);
    expect((await store.classes.startingBetween(5000, 5000)).map((c) => c.id)).toEqual([soon.id]);
  });

  it('makes a class with a short code, seats learners up to its capacity, and knows each learner’s class', async () => {
    let clock = 1000;
    const store = await open(() => clock++);
    const klass = await store.classes.create({ title: 'Monday', locale: 'en', lessons: ['m/one'], capacity: 2, endsAt: null });
    expect(klass).toMatchObject({ title: 'Monday', locale: 'en', lessons: ['m/one'], capacity: 2, createdAt: 1000, startsAt: null, endsAt: null, endedAt: null, pinned: null });
    expect(klass.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect((await store.classes.byCode(klass.code))?.id).toBe(klass.id);
    expect(await store.classes.byCode('NOSUCH')).toBeNull();
    expect(await store.classes.byId('nosuch')).toBeNull();
    const ann = await store.classes.join(klass.id, 'ann', 'Ann');
    expect(ann).toEqual({ id: expect.any(Number), learner: 'ann', name: 'Ann', joinedAt: 1001 });
    expect(await store.classes.join(klass.id, 'ann', 'Ann K.')).toEqual({ id: (ann as { id: number }).id, learner: 'ann', name: 'Ann K.', joinedAt: 1002 });
    await store.classes.join(klass.id, 'bo', 'Bo');
    expect(await store.classes.join(klass.id, 'cy', 'Cy')).toBe('full');
    // One already seated may still change their name in a full class.
    expect(await store.classes.join(klass.id, 'bo', 'Bo B.')).toMatchObject({ name: 'Bo B.' });
    expect((await store.classes.members(klass.id)).map((m) => m.name)).toEqual(['Ann K.', 'Bo B.']);
    expect((await store.classes.membership('bo'))?.class.id).toBe(klass.id);
    expect(await store.classes.membership('cy')).toBeNull();
    expect(await store.classes.join('nosuch', 'cy', 'Cy')).toBe('full');

    await store.classes.pin(klass.id, 'm/one');
    expect((await store.classes.byId(klass.id))?.pinned).toBe('m/one');
    await store.classes.pin(klass.id, null);
    expect((await store.classes.byId(klass.id))?.pinned).toBeNull();
  });

  it('gives as a learner’s class the one they joined last, with their place in it', async () => {
    let clock = 1000;
    const store = await open(() => clock++);
    const make = (title: string) => store.classes.create({ title, locale: 'en', lessons: ['m/one'], capacity: 5, endsAt: null });
    const monday = await make('Monday');
    const tuesday = await make('Tuesday');
    await store.classes.join(monday.id, 'ann', 'Ann');
    const there = await store.classes.join(tuesday.id, 'ann', 'Ann T.');
    expect(await store.classes.membership('ann')).toEqual({ class: tuesday, member: there });
    // Joining Monday again (a rename) makes it the latest.
    await store.classes.join(monday.id, 'ann', 'Ann M.');
    expect(await store.classes.membership('ann')).toMatchObject({ class: { id: monday.id }, member: { name: 'Ann M.' } });
  });

  it('draws another code when the one drawn is taken', async () => {
    const store = await open(() => 1000);
    // Six draws of the first letter make AAAAAA, for the first class and again for the second's first try.
    for (let draw = 0; draw < 12; draw++) vi.mocked(randomInt).mockReturnValueOnce(0 as never);
    const first = await store.classes.create({ title: 'one', locale: 'en', lessons: ['m/one'], capacity: 2, endsAt: null });
    const second = await store.classes.create({ title: 'two', locale: 'en', lessons: ['m/one'], capacity: 2, endsAt: null });
    expect(first.code).toBe('AAAAAA');
    expect(second.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(second.code).not.toBe('AAAAAA');
    expect((await store.classes.byCode(second.code))?.title).toBe('two');
  });

  it('gives the dashboard the class learners’ attempts since the class began, and their passes of any time', async () => {
    let clock = 1000;
    const store = await open(() => clock++);
    await store.recordCheck('ann', 'm/one', 'early', true);
    const klass = await store.classes.create({ title: 'Monday', locale: 'en', lessons: ['m/one'], capacity: 30, endsAt: 5000 });
    await store.classes.join(klass.id, 'ann', 'Ann');
    await store.recordCheck('ann', 'm/one', 'later', false);
    await store.recordCheck('stranger', 'm/one', 'later', false);
    await store.recordCheck('ann', 'm/one', 'later', true);
    expect((await store.classes.attempts(klass.id)).map((a) => [a.learner, a.check, a.passed, a.at])).toEqual([['ann', 'later', false, 1003], ['ann', 'later', true, 1005]]);
    expect((await store.classes.passes(klass.id)).map((p) => [p.learner, p.lesson, p.check, p.passed, p.at])).toEqual([['ann', 'm/one', 'early', true, 1000], ['ann', 'm/one', 'later', true, 1005]]);

    expect(await store.classes.due(4999)).toEqual([]);
    expect((await store.classes.due(5000)).map((c) => c.id)).toEqual([klass.id]);
    await store.classes.end(klass.id);
    expect(await store.classes.due(6000)).toEqual([]);
    const ended = (await store.classes.byId(klass.id))?.endedAt;
    expect(ended).toBe(1006);
    // Ending it again keeps the first end time.
    await store.classes.end(klass.id);
    expect((await store.classes.byId(klass.id))?.endedAt).toBe(ended);
  });

  it('counts the classes live now: begun, not past their end time and not ended', async () => {
    const store = await open(() => 1000);
    const open_ = await store.classes.create({ title: 'open', locale: 'en', lessons: ['m/one'], capacity: 30, endsAt: null });
    await store.classes.create({ title: 'until 5000', locale: 'en', lessons: ['m/one'], capacity: 30, endsAt: 5000 });
    await store.classes.create({ title: 'from 3000', locale: 'en', lessons: ['m/one'], capacity: 30, startsAt: 3000, endsAt: null });
    expect(await store.classes.liveCount(2000)).toBe(2);
    expect(await store.classes.liveCount(3000)).toBe(3);
    expect(await store.classes.liveCount(5000)).toBe(2);
    await store.classes.end(open_.id);
    expect(await store.classes.liveCount(5000)).toBe(1);
  });
});

describe('the SQLite store alone', () => {
  it('still has everything after the process ends without closing it', async () => {
    const file = newFile();
    const first = openSqliteStore(file);
    await first.recordCheck('a', 'basics/one', 'x', true);
    // No close(): as after a crash, the write-ahead log must carry the committed write.
    const second = keep(openSqliteStore(file));
    expect((await second.progress('a')).passed).toEqual({ 'basics/one': ['x'] });
    await second.close();
    await first.close();
  });

  it('brings an older file up to date, and refuses one from a newer version of the course', async () => {
    const file = newFile();
    await openSqliteStore(file).close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(/newer version of the course/);
  });

  it('gives classes of a file made before start times a start time of none, and keeps them', async () => {
    const file = newFile();
    await openSqliteStore(file).close();
    // The file as the course left it before classes had start times: schema 2, one class in it.
    const raw = new Database(file);
    raw.exec('ALTER TABLE class DROP COLUMN starts_at');
    raw.pragma('user_version = 2');
    raw.prepare("INSERT INTO class (id, title, locale, lessons, code, capacity, created_at) VALUES ('c1', 'Old', 'en', '[\"m/one\"]', 'OLD234', 5, 1)").run();
    raw.close();
    const store = keep(openSqliteStore(file, () => 10_000));
    expect(await store.classes.byId('c1')).toMatchObject({ title: 'Old', capacity: 5, startsAt: null });
    const later = await store.classes.create({ title: 'New', locale: 'en', lessons: ['m/one'], capacity: 3, endsAt: null, startsAt: 60_000 });
    expect((await store.classes.byId(later.id))?.startsAt).toBe(60_000);
    await store.close();
    expect(new Database(file).pragma('user_version', { simple: true })).toBe(3);
  });
});

describe('the PostgreSQL store shared by several servers', () => {
  // Two pools on one database, as two servers of the course would have.
  const cells = async () => {
    const url = await postgres.place();
    return Promise.all([postgres.open(url).then(keep), postgres.open(url).then(keep)]);
  };

  it('lets each server see what the other wrote', async () => {
    const [one, two] = await cells();
    await one.recordCheck('ann', 'm/one', 'built', true);
    expect(await two.progress('ann')).toEqual({ passed: { 'm/one': ['built'] }, last: 'm/one' });
    const klass = await two.classes.create({ title: 'Shared', locale: 'en', lessons: ['m/one'], capacity: 3, endsAt: null });
    expect(await one.classes.byCode(klass.code)).toEqual(klass);
    const ann = await one.classes.join(klass.id, 'ann', 'Ann');
    expect(await two.classes.members(klass.id)).toEqual([ann]);
    expect((await two.classes.membership('ann'))?.class.id).toBe(klass.id);
    await two.classes.pin(klass.id, 'm/one');
    expect((await one.classes.byId(klass.id))?.pinned).toBe('m/one');
    expect((await one.classes.passes(klass.id)).map((p) => p.check)).toEqual(['built']);
  });

  it('carries class news from each server to the others, and not back to itself', async () => {
    const [one, two] = await cells();
    const heard: { by: string; news: unknown }[] = [];
    one.news.listen((news) => heard.push({ by: 'one', news }));
    two.news.listen((news) => heard.push({ by: 'two', news }));
    await one.news.announce({ classId: 'c1', what: 'activity' });
    await two.news.announce({ classId: 'c1', what: 'reset', member: 7 });
    await vi.waitFor(() => expect(heard).toHaveLength(2));
    // Nothing more comes: neither hears its own.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toHaveLength(2);
    expect(heard).toEqual(expect.arrayContaining([
      { by: 'two', news: { classId: 'c1', what: 'activity' } },
      { by: 'one', news: { classId: 'c1', what: 'reset', member: 7 } },
    ]));
  });

  it('knows which cell holds each learner’s sandbox; a cell the learner left cannot clear the newer place', async () => {
    const [one, two] = await cells();
    const place = async (store: Store, learner: string) => (await store.learnerPlaces([learner])).get(learner);
    expect(await place(two, 'ann')).toBeUndefined();
    await one.placeLearner('ann', 'cell-1', 1);
    expect(await place(two, 'ann')).toEqual({ cell: 'cell-1', nodes: 1 });
    await two.placeLearner('ann', 'cell-2', 3);
    await one.placeLearner('ann', 'cell-1', 0);
    expect(await place(one, 'ann')).toEqual({ cell: 'cell-2', nodes: 3 });
    await two.placeLearner('ann', 'cell-2', 0);
    expect(await place(one, 'ann')).toEqual({ cell: 'cell-2', nodes: 0 });
    // A whole class at once: those with no record are left out.
    await one.placeLearner('bo', 'cell-1', 1);
    expect(await two.learnerPlaces(['ann', 'bo', 'cy'])).toEqual(new Map([['ann', { cell: 'cell-2', nodes: 0 }], ['bo', { cell: 'cell-1', nodes: 1 }]]));
    expect(await two.learnerPlaces([])).toEqual(new Map());
  });

  it('keeps what each cell last reported, and leaves out the reports older than asked for', async () => {
    const url = await postgres.place();
    let clock = 1_000_000;
    const [one, two] = await Promise.all([postgres.open(url, () => clock).then(keep), postgres.open(url, () => clock).then(keep)]);
    await one.cells.report({ cell: 'cell-1', open: true, warm: { c1: 2 } });
    clock += 10_000;
    await two.cells.report({ cell: 'cell-2', open: false, warm: {} });
    await one.cells.report({ cell: 'cell-1', open: true, warm: { c1: 1, c2: 3 } });
    expect(await two.cells.recent(5000)).toEqual([
      { cell: 'cell-1', open: true, warm: { c1: 1, c2: 3 } },
      { cell: 'cell-2', open: false, warm: {} },
    ]);
    clock += 6000;
    await two.cells.report({ cell: 'cell-2', open: true, warm: {} });
    expect((await one.cells.recent(5000)).map((report) => report.cell)).toEqual(['cell-2']);
  });

  it('gives every server the secret the first one offered, so a session signed on one is good on the others', async () => {
    const [one, two] = await cells();
    const [first, second] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const offered = await Promise.all([one.sharedSecret(first), two.sharedSecret(second)]);
    expect(offered[0]).toEqual(offered[1]);
    expect([first, second]).toContainEqual(offered[0]);
    expect(await two.sharedSecret(Buffer.alloc(32, 3))).toEqual(offered[0]);
  });

  it('never seats more learners than the class has seats, however many join at once on two servers', async () => {
    const [one, two] = await cells();
    const klass = await one.classes.create({ title: 'Rush', locale: 'en', lessons: ['m/one'], capacity: 5, endsAt: null });
    const joins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).classes.join(klass.id, `learner-${i}`, `Learner ${i}`)),
    );
    expect(joins.filter((j) => j === 'full')).toHaveLength(15);
    const seated = joins.filter((j) => j !== 'full');
    expect(seated).toHaveLength(5);
    const members = await one.classes.members(klass.id);
    expect(members.map((m) => m.learner).sort()).toEqual(seated.map((m) => m.learner).sort());
    expect(new Set(members.map((m) => m.id)).size).toBe(5);
  });

  it('keeps a check passed on two servers at once as one pass, and every attempt', async () => {
    const [one, two] = await cells();
    const klass = await one.classes.create({ title: 'Twice', locale: 'en', lessons: ['m/one'], capacity: 5, endsAt: null });
    await two.classes.join(klass.id, 'ann', 'Ann');
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).recordCheck('ann', 'm/one', 'built', true)));
    expect(await one.progress('ann')).toEqual({ passed: { 'm/one': ['built'] }, last: 'm/one' });
    expect(await two.classes.passes(klass.id)).toHaveLength(1);
    expect(await one.classes.attempts(klass.id)).toHaveLength(10);
  });

  it('starts on an empty database with servers starting at the same moment: the first migrates, the others wait for it', async () => {
    const url = await postgres.place();
    // Without the lock, the second would create the same tables and fail.
    const stores = await Promise.all(Array.from({ length: 3 }, () => postgres.open(url).then(keep)));
    expect(stores).toHaveLength(3);
    const schema = new URL(url).searchParams.get('options')!.split('=')[1];
    const { rows } = await admin!.query(`SELECT version FROM ${schema}.schema_version`);
    expect(rows).toEqual([{ version: 5 }]);
  });

  // The tests' own cluster (scripts/postgres.sh) can be restarted; a server given by COURSE_TEST_DATABASE_URL is left alone.
  const ownCluster = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' }).split('\n').map((line) => line.trim().split(/\s+/)).find(([, name, port]) => name === 'course' && port === new URL(inject('databaseUrl')).port);
  it.skipIf(!ownCluster || process.env.COURSE_TEST_DATABASE_URL)('keeps the checks passed while PostgreSQL restarts, and every class operation works again after it', async () => {
    const [one, two] = await cells();
    const klass = await one.classes.create({ title: 'Restart', locale: 'en', lessons: ['m/one'], capacity: 3, endsAt: null });
    const restart = new Promise<void>((resolve, reject) => execFile('pg_ctlcluster', [ownCluster![0]!, 'course', 'restart', '--mode=fast'], (error) => (error ? reject(error) : resolve())));
    // Sent while the server goes down and comes back: each waits for it, none is lost.
    const passes = Array.from({ length: 10 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 150)).then(() => (i % 2 ? one : two).recordCheck(`learner-${i}`, 'm/one', 'built', true)));
    await Promise.all([restart, ...passes]);
    for (let i = 0; i < 10; i++) expect(await one.progress(`learner-${i}`)).toEqual({ passed: { 'm/one': ['built'] }, last: 'm/one' });
    expect(await two.classes.join(klass.id, 'learner-0', 'Ann')).toMatchObject({ name: 'Ann' });
  }, 60_000);

  it('refuses a database written by a newer version of the course', async () => {
    const url = await postgres.place();
    await (await postgres.open(url)).close();
    const schema = new URL(url).searchParams.get('options')!.split('=')[1];
    await admin!.query(`UPDATE ${schema}.schema_version SET version = 99`);
    await expect(postgres.open(url)).rejects.toThrow(/newer version of the course \(schema 99\)/);
  });
});
