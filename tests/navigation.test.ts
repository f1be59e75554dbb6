import { describe, expect, it } from 'vitest';
import { locateLesson, totalMinutes } from '@/lib/content/navigation';
import type { Course, LessonEntry } from '@/lib/content/types';

const lesson = (module: string, slug: string, duration = 10): LessonEntry => ({
  module, slug, duration, title: slug, summary: '', objectives: ['x'], sandbox: 'docker', headings: [], checks: [], files: [], quizzes: [],
});

const course: Course = {
  locale: 'en',
  title: 'C',
  description: 'D',
  modules: [
    { slug: 'a', title: 'A', summary: '', lessons: [lesson('a', 'a1'), lesson('a', 'a2')] },
    { slug: 'empty', title: 'Empty', summary: '', lessons: [] },
    { slug: 'b', title: 'B', summary: '', lessons: [lesson('b', 'b1', 15)] },
  ],
};

describe('locateLesson', () => {
  it('links neighbours across module boundaries, skipping empty modules', () => {
    const position = locateLesson(course, 'a', 'a2')!;
    expect(position.previous?.slug).toBe('a1');
    expect(position.next?.slug).toBe('b1');
    expect([position.moduleNumber, position.lessonNumber]).toEqual([1, 2]);
  });

  it('has no previous lesson at the start and no next one at the end', () => {
    expect(locateLesson(course, 'a', 'a1')!.previous).toBeNull();
    const last = locateLesson(course, 'b', 'b1')!;
    expect(last.next).toBeNull();
    expect(last.moduleNumber).toBe(3);
  });

  it('returns null for an unknown lesson or a lesson under the wrong module', () => {
    expect(locateLesson(course, 'a', 'nope')).toBeNull();
    expect(locateLesson(course, 'b', 'a1')).toBeNull();
  });

  it('adds up durations', () => {
    expect(totalMinutes(course.modules.flatMap((m) => m.lessons))).toBe(35);
  });
});
