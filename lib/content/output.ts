import path from 'node:path';
import type { Locale } from '../i18n';

/** Layout of the compiled content, shared by the build script that writes it and the loader that reads it. */
export const compiledDir = (root: string) => path.join(root, '.content');
export const coursePath = (dir: string, locale: Locale) => path.join(dir, locale, 'course.json');
export const lessonCodePath = (dir: string, locale: Locale, module: string, lesson: string) =>
  path.join(dir, locale, 'lessons', module, `${lesson}.js`);
