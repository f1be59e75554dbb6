import { describe, expect, it } from 'vitest';
import { durationText, queuedText } from '@/components/terminal/status-text';
import { en } from '@/lib/i18n/en';
import { format, placeholderPattern } from '@/lib/i18n/format';
import { ko } from '@/lib/i18n/ko';

/** Every leaf of a message tree by its path, e.g. "terminal.queued.ahead"; functions and empty objects are leaves too. */
function leaves(tree: unknown, path = ''): Map<string, unknown> {
  if (tree === null || typeof tree !== 'object' || !Object.keys(tree).length) return new Map([[path, tree]]);
  return new Map(Object.entries(tree).flatMap(([key, value]) => [...leaves(value, path ? `${path}.${key}` : key)]));
}

const onlyIn = (one: unknown, other: unknown) => {
  const others = leaves(other);
  return [...leaves(one).keys()].filter((path) => !others.has(path));
};

const placeholders = (text: unknown) => (typeof text === 'string' ? [...new Set(Array.from(text.matchAll(placeholderPattern), (match) => match[1]))].sort() : []);

describe('messages', () => {
  it('has every key in both languages', () => {
    expect(onlyIn(en, ko), 'only in English').toEqual([]);
    expect(onlyIn(ko, en), 'only in Korean').toEqual([]);
  });

  it('tells a key one language lacks, however deep, beside functions', () => {
    expect(onlyIn({ a: { b: 'x', c: (n: number) => `${n}` } }, { a: { b: 'y' } })).toEqual(['a.c']);
    expect(onlyIn({ a: { b: { c: 'x' } } }, { a: { b: 'y' } })).toEqual(['a.b.c']);
    expect(onlyIn({ a: 'x' }, { a: () => 'y' })).toEqual([]);
  });

  it('fills the same placeholders in both languages', () => {
    const korean = leaves(ko);
    for (const [path, english] of leaves(en)) expect(placeholders(korean.get(path)), path).toEqual(placeholders(english));
  });

  it('keeps close reasons within the 123 bytes a WebSocket close frame allows', () => {
    for (const [reason, text] of Object.entries(en.terminal.closeReasons)) expect(Buffer.byteLength(text), reason).toBeLessThanOrEqual(123);
  });

  it('keeps the English preview titles plain ASCII, as they are HTTP reason phrases too', () => {
    for (const [reason, { title }] of Object.entries(en.preview.refusals)) expect(title, reason).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('format', () => {
  it('fills placeholders and picks the word for the count', () => {
    expect(format(en.progress.partly, { n: 2, of: 5 })).toBe('2 of 5 steps done');
    expect(format(en.lessonsCount, { n: 1 })).toBe('1 lesson');
    expect(format(en.lessonsCount, { n: 0 })).toBe('0 lessons');
    expect(format(en.classes.failures, { n: 3, learners: 1 })).toBe('3 failed checks by 1 learner');
    expect(format(ko.classes.failures, { n: 3, learners: 1 })).toBe('학습자 1명이 3번 실패');
  });

  it('leaves a placeholder without a value in sight', () => {
    expect(format(en.terminal.tab, {})).toBe('Shell {n}');
  });
});

describe('terminal status text', () => {
  const queued = { state: 'queued', ahead: 0, etaMs: null, full: false, retrying: false, engineAway: false } as const;

  it('says where a waiting learner stands and about how long it takes', () => {
    expect(queuedText(en.terminal, { ...queued, ahead: 1, etaMs: 65_000 })).toBe('Starting your sandbox: 1 learner ahead of you, about 1 min 5 s');
    expect(queuedText(en.terminal, { ...queued, retrying: true })).toBe('Your sandbox did not start, so another is starting. Starting your sandbox…');
    expect(queuedText(en.terminal, { ...queued, ahead: 3, full: true })).toBe('All sandboxes are busy: 3 learners ahead of you. Yours starts as soon as someone leaves.');
    expect(queuedText(ko.terminal, { ...queued, ahead: 2, etaMs: 30_000 })).toBe('샌드박스를 시작하는 중: 앞에 학습자 2명, 약 30초');
    expect(queuedText(en.terminal, { ...queued, ahead: 2, engineAway: true })).toBe(en.terminal.queued.engineAway);
  });

  it('rounds a wait up to the second', () => {
    expect(durationText(en.terminal, 59_001)).toBe('1 min 0 s');
    expect(durationText(ko.terminal, -5)).toBe('0초');
  });
});
