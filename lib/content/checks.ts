import '#server-only';
import { readCourse } from './output';
import { isLocale, type Locale } from '../i18n';
import type { Check } from '../checks/schema';
import { sandboxNodes } from './schema';
import { lessonStepIds, type LessonQuiz } from './quizzes';

const lessonPath = /^\/([a-z]{2})\/([a-z0-9-]+)\/([a-z0-9-]+)\/?$/;
const embedPath = /^\/embed(\/[a-z]{2}\/[a-z0-9-]+\/[a-z0-9-]+\/?)$/;

/** How many sandboxes the lesson at a page's path (in the course or embedded) needs, 0 for none; null when the path is no lesson. */
export async function sandboxNodesOf(pagePath: string): Promise<number | null> {
  const match = lessonPath.exec(embedPath.exec(pagePath)?.[1] ?? pagePath);
  if (!match || !isLocale(match[1])) return null;
  const lesson = (await readCourse(match[1])).modules.find((m) => m.slug === match[2])?.lessons.find((l) => l.slug === match[3]);
  return lesson ? sandboxNodes[lesson.sandbox] : null;
}

/** The check a lesson page asks for, from the compiled course: the browser names it, never defines it. */
export async function findCheck(pagePath: string, id: string): Promise<{ locale: Locale; lesson: string; check: Check } | null> {
  const match = lessonPath.exec(pagePath);
  if (!match || !isLocale(match[1])) return null;
  const locale = match[1];
  const course = await readCourse(locale);
  const lesson = course.modules.find((m) => m.slug === match[2])?.lessons.find((l) => l.slug === match[3]);
  const found = lesson?.checks.find((c) => c.check.id === id);
  return found ? { locale, lesson: `${match[2]}/${match[3]}`, check: found.check } : null;
}

/** The quiz a lesson page names, from the compiled course, answers and all (they never leave the server ungraded). */
export async function findQuiz(pagePath: string, id: string): Promise<{ lesson: string; quiz: LessonQuiz } | null> {
  const match = lessonPath.exec(pagePath);
  if (!match || !isLocale(match[1])) return null;
  const lesson = (await readCourse(match[1])).modules.find((m) => m.slug === match[2])?.lessons.find((l) => l.slug === match[3]);
  const quiz = lesson?.quizzes?.find((q) => q.id === id);
  return quiz ? { lesson: `${match[2]}/${match[3]}`, quiz } : null;
}

/** The lessons a class takes, each with the ids of its steps (checks and quizzes), or null when one is not in the course. */
export async function lessonSteps(locale: string, lessons: string[]): Promise<{ lesson: string; title: string; steps: string[] }[] | null> {
  if (!isLocale(locale)) return null;
  const course = await readCourse(locale);
  const all = new Map(course.modules.flatMap((m) => m.lessons.map((l) => [`${m.slug}/${l.slug}`, { title: l.title, steps: lessonStepIds(l) }] as const)));
  const found = lessons.map((lesson) => {
    const entry = all.get(lesson as `${string}/${string}`);
    return entry && { lesson, ...entry };
  });
  return found.every((entry) => entry !== undefined) ? found : null;
}
