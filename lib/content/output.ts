import '#server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locale } from '../i18n';
import type { Course } from './types';

/** Layout of the compiled content, shared by the build script that writes it and those that read it. */
export const compiledDir = (root: string) => path.join(root, '.content');
export const coursePath = (dir: string, locale: Locale) => path.join(dir, locale, 'course.json');
export const lessonCodePath = (dir: string, locale: Locale, module: string, lesson: string) =>
  path.join(dir, locale, 'lessons', module, `${lesson}.js`);

/** The compiled course of one language, as the site, the check API and the lesson runner read it. */
export async function readCourse(locale: Locale, dir = compiledDir(process.cwd())): Promise<Course> {
  return JSON.parse(await readFile(coursePath(dir, locale), 'utf8')) as Course;
}
