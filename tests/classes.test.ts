import { describe, expect, it } from 'vitest';
import { isOver, normalizeCode } from '@/lib/classes';
import { classOfTeachToken, teachToken } from '@/lib/server/auth';
import { summarize, type DashboardInput } from '@/lib/classes/dashboard';
import type { CheckEvent, ClassRecord } from '@/lib/store';

const secret = Buffer.from('x'.repeat(32));
const minute = 60_000;
const klass: ClassRecord = { id: 'a'.repeat(32), title: 'Monday', locale: 'en', lessons: ['m/one', 'm/two'], code: 'ABC234', capacity: 30, createdAt: 0, startsAt: null, endsAt: null, endedAt: null, pinned: null };
const lessons = [
  { lesson: 'm/one', title: 'One', steps: ['s1', 's2'] },
  { lesson: 'm/two', title: 'Two', steps: ['s3'] },
];
const event = (learner: string, lesson: string, check: string, passed: boolean, at: number): CheckEvent => ({ learner, lesson, check, passed, at });
const input = (overrides: Partial<DashboardInput>): DashboardInput => ({
  klass,
  lessons,
  members: [
    { id: 1, learner: 'ann', name: 'Ann', joinedAt: 0 },
    { id: 2, learner: 'bo', name: 'Bo', joinedAt: 0 },
  ],
  passes: [],
  attempts: [],
  sandboxOf: (learner) => ({ nodes: learner === 'ann' ? 1 : 0, cell: null }),
  now: 30 * minute,
  stuckAfterMs: 5 * minute,
  ...overrides,
});

describe('instructor links', () => {
  it('carry the class id, signed, and refuse any other token', () => {
    const token = teachToken(klass.id, secret);
    expect(classOfTeachToken(token, secret)).toBe(klass.id);
    expect(classOfTeachToken(token, Buffer.from('y'.repeat(32)))).toBeNull();
    expect(classOfTeachToken(`${'b'.repeat(32)}.${token.split('.')[1]}`, secret)).toBeNull();
    expect(classOfTeachToken('nonsense', secret)).toBeNull();
    expect(classOfTeachToken(undefined, secret)).toBeNull();
  });

  it('join codes forgive case, spaces and dashes', () => {
    expect(normalizeCode(' abc-234 ')).toBe('ABC234');
  });

  it('a class is over when ended or past its end time', () => {
    expect(isOver(klass, 10)).toBe(false);
    expect(isOver({ ...klass, endsAt: 10 }, 10)).toBe(true);
    expect(isOver({ ...klass, endedAt: 5 }, 1)).toBe(true);
  });
});

describe('the dashboard', () => {
  it('counts each learner’s steps within the class, once each, most done first', () => {
    const board = summarize(
      input({
        passes: [event('bo', 'm/one', 's1', true, 1), event('bo', 'm/two', 's3', true, 2), event('bo', 'other/lesson', 'x', true, 3), event('ann', 'm/one', 's2', true, 4)],
      }),
    );
    expect(board.totalSteps).toBe(3);
    expect(board.learners.map((l) => [l.name, l.done, l.passed, l.nodes])).toEqual([
      ['Bo', 2, { 'm/one': ['s1'], 'm/two': ['s3'] }, 0],
      ['Ann', 1, { 'm/one': ['s2'] }, 1],
    ]);
  });

  it('shows a learner as stuck once they have failed a step for long without passing anything since', () => {
    const attempts = [event('ann', 'm/one', 's1', false, 10 * minute), event('ann', 'm/one', 's1', false, 20 * minute), event('bo', 'm/one', 's1', false, 28 * minute)];
    const board = summarize(input({ attempts }));
    const ann = board.learners.find((l) => l.name === 'Ann')!;
    const bo = board.learners.find((l) => l.name === 'Bo')!;
    expect(ann.on).toEqual({ lesson: 'm/one', step: 's1' });
    expect(ann.stuckForMs).toBe(20 * minute);
    // Failing for two minutes is still working on it.
    expect(bo.on).toEqual({ lesson: 'm/one', step: 's1' });
    expect(bo.stuckForMs).toBeNull();
    // Passing the step ends it.
    const passed = summarize(input({ attempts: [...attempts, event('ann', 'm/one', 's1', true, 25 * minute)], passes: [event('ann', 'm/one', 's1', true, 25 * minute)] }));
    expect(passed.learners.find((l) => l.name === 'Ann')).toMatchObject({ on: null, stuckForMs: null, done: 1 });
  });

  it('ranks the steps that fail most, by failures then by learners', () => {
    const attempts = [
      event('ann', 'm/one', 's2', false, 1),
      event('ann', 'm/one', 's2', false, 2),
      event('bo', 'm/two', 's3', false, 3),
      event('ann', 'm/two', 's3', false, 4),
      event('bo', 'm/one', 's1', true, 5),
      event('bo', 'other/lesson', 'x', false, 6),
    ];
    expect(summarize(input({ attempts })).failing).toEqual([
      { lesson: 'm/two', step: 's3', failures: 2, learners: 2 },
      { lesson: 'm/one', step: 's2', failures: 2, learners: 1 },
    ]);
  });
});
