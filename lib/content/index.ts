import 'server-only';
import { readFile } from 'node:fs/promises';
import { cache } from 'react';
import { isLocale, type Locale } from '../i18n';
import { locateLesson } from './navigation';
import { compiledDir, lessonCodePath, readCourse } from './output';
import type { Course } from './types';

const dir = compiledDir(process.cwd());

export const getCourse = cache(async (locale: Locale): Promise<Course> => {
  try {
    return await readCourse(locale, dir);
  } catch (error) {
    throw new Error(`Compiled content is missing; run "npm run content" first (${(error as Error).message})`);
  }
});

/** The compiled MDX of one lesson, or null when no such lesson exists. */
export const getLessonCode = cache(async (locale: Locale, module: string, lesson: string): Promise<string | null> => {
  const course = await getCourse(locale);
  const exists = course.modules.some((m) => m.slug === module && m.lessons.some((l) => l.slug === lesson));
  return exists ? readFile(lessonCodePath(dir, locale, module, lesson), 'utf8') : null;
});

/** A lesson page's data from its route parameters (the course page and its embed alike), or null for a 404. */
export async function loadLesson(params: Promise<{ locale: string; module: string; lesson: string }>) {
  const { locale, module, lesson } = await params;
  if (!isLocale(locale)) return null;
  const course = await getCourse(locale);
  const position = locateLesson(course, module, lesson);
  const code = await getLessonCode(locale, module, lesson);
  return position && code ? { locale, course, position, code } : null;
}

export * from './navigation';
export type * from './types';
