import Link from 'next/link';
import type { Course } from '@/lib/content';
import { lessonPath } from '@/lib/content/navigation';
import { messages } from '@/lib/i18n/messages';
import { lessonStepIds } from '@/lib/content/quizzes';
import { LessonMark } from './progress.client';

/** The whole course as a sidebar; the current lesson is marked for sighted and screen-reader users alike. */
export function CourseNav({ course, current }: { course: Course; current: { module: string; slug: string } }) {
  const t = messages[course.locale];
  return (
    <nav aria-label={t.courseContents} className="text-sm">
      <ol className="space-y-4">
        {course.modules.map((module, index) => (
          <li key={module.slug}>
            <p className="font-semibold text-slate-700 dark:text-slate-200">
              {index + 1}. {module.title}
            </p>
            {module.lessons.length ? (
              <ol className="mt-1 space-y-0.5 border-l border-slate-200 dark:border-slate-800">
                {module.lessons.map((lesson) => {
                  const active = lesson.module === current.module && lesson.slug === current.slug;
                  return (
                    <li key={lesson.slug}>
                      <Link
                        href={lessonPath(course.locale, lesson)}
                        // Prefetched on hover, not all at once: on a lesson page 28 prefetches slowed the terminal's start.
                        prefetch={false}
                        aria-current={active ? 'page' : undefined}
                        className={`-ml-px block border-l-2 py-1 pl-3 ${active ? 'border-sky-600 font-medium text-sky-700 dark:text-sky-400' : 'border-transparent text-slate-600 hover:border-slate-400 dark:text-slate-400'}`}
                      >
                        {lesson.title}
                        <LessonMark lesson={`${lesson.module}/${lesson.slug}`} checks={lessonStepIds(lesson).length} labels={t.progress} />
                      </Link>
                    </li>
                  );
                })}
              </ol>
            ) : (
              <p className="mt-1 pl-3 text-xs text-slate-500 italic dark:text-slate-400">{t.comingSoon}</p>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
