import type { Course, LessonEntry, ModuleEntry } from './types';

export interface LessonPosition {
  module: ModuleEntry;
  lesson: LessonEntry;
  previous: LessonEntry | null;
  next: LessonEntry | null;
  /** 1-based place of the module and of the lesson within it, for "1.2" style numbering. */
  moduleNumber: number;
  lessonNumber: number;
}

/** Where a lesson sits in the course: its module, neighbours across module boundaries, and numbering. */
export function locateLesson(course: Course, moduleSlug: string, lessonSlug: string): LessonPosition | null {
  const ordered = course.modules.flatMap((module) => module.lessons);
  const index = ordered.findIndex((l) => l.module === moduleSlug && l.slug === lessonSlug);
  if (index === -1) return null;
  const lesson = ordered[index]!;
  const moduleIndex = course.modules.findIndex((m) => m.slug === moduleSlug);
  const module = course.modules[moduleIndex]!;
  return {
    module,
    lesson,
    previous: ordered[index - 1] ?? null,
    next: ordered[index + 1] ?? null,
    moduleNumber: moduleIndex + 1,
    lessonNumber: module.lessons.indexOf(lesson) + 1,
  };
}

export const lessonPath = (locale: string, lesson: { module: string; slug: string }) =>
  `/${locale}/${lesson.module}/${lesson.slug}`;

export const totalMinutes = (lessons: readonly { duration: number }[]) =>
  lessons.reduce((sum, lesson) => sum + lesson.duration, 0);
