import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getCourse, lessonPath, totalMinutes } from '@/lib/content';
import { isLocale } from '@/lib/i18n';
import { format } from '@/lib/i18n/format';
import { messages } from '@/lib/i18n/messages';
import { lessonStepIds } from '@/lib/content/quizzes';
import { LessonMark, ResumeBox } from '@/components/progress.client';

export default async function HomePage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const course = await getCourse(locale);
  const t = messages[locale];
  const allLessons = course.modules.flatMap((m) => m.lessons);
  const first = allLessons[0];

  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-12">
      <section className="mb-14">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">{course.title}</h1>
        <p className="mt-3 text-xl text-sky-700 dark:text-sky-400">{t.homeHeroTagline}</p>
        <p className="mt-4 max-w-3xl text-lg text-slate-600 dark:text-slate-300">{course.description}</p>
        <ul className="mt-6 grid gap-3 sm:grid-cols-3">
          {t.features.map((feature) => (
            <li key={feature} className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800">
              {feature}
            </li>
          ))}
        </ul>
        {first && (
          <Link
            href={lessonPath(locale, first)}
            className="mt-8 inline-block rounded-lg bg-sky-700 px-5 py-3 font-semibold text-white hover:bg-sky-800"
          >
            {t.start} →
          </Link>
        )}
        <p className="mt-4 text-sm text-slate-500 dark:text-slate-400">{format(t.totalTime, { hours: Math.round(totalMinutes(allLessons) / 6) / 10 })}</p>
        <p className="mt-2 text-sm">
          <Link href={`/${locale}/teach`} className="text-sky-700 hover:underline dark:text-sky-400">
            {t.classes.teachLink}
          </Link>
          {' · '}
          <Link href={`/${locale}/join`} className="text-sky-700 hover:underline dark:text-sky-400">
            {t.classes.joinTitle}
          </Link>
        </p>
        <ResumeBox
          lessons={Object.fromEntries(allLessons.map((lesson) => [`${lesson.module}/${lesson.slug}`, { title: lesson.title, href: lessonPath(locale, lesson) }]))}
          labels={t.progress}
        />
      </section>

      <section aria-labelledby="modules-heading">
        <h2 id="modules-heading" className="mb-6 text-2xl font-bold">
          {t.modules}
        </h2>
        <ol className="grid gap-4 md:grid-cols-2">
          {course.modules.map((module, index) => (
            <li key={module.slug} className="rounded-xl border border-slate-200 p-5 dark:border-slate-800" data-testid="module">
              <p className="text-xs font-semibold tracking-wide text-sky-700 uppercase dark:text-sky-400">{format(t.module, { n: index + 1 })}</p>
              <h3 className="mt-1 text-lg font-semibold">{module.title}</h3>
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{module.summary}</p>
              {module.lessons.length ? (
                <ol className="mt-3 space-y-1 text-sm">
                  {module.lessons.map((lesson) => (
                    <li key={lesson.slug} className="flex justify-between gap-4">
                      <span>
                        <Link href={lessonPath(locale, lesson)} className="text-sky-700 hover:underline dark:text-sky-400">
                          {lesson.title}
                        </Link>
                        <LessonMark lesson={`${lesson.module}/${lesson.slug}`} checks={lessonStepIds(lesson).length} labels={t.progress} />
                      </span>
                      <span className="shrink-0 text-slate-500 dark:text-slate-400">{format(t.minutes, { n: lesson.duration })}</span>
                    </li>
                  ))}
                </ol>
              ) : (
                <p className="mt-3 text-sm text-slate-500 italic dark:text-slate-400">{t.comingSoon}</p>
              )}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
