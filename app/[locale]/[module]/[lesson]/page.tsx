import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getMDXComponent } from 'mdx-bundler/client';
import { ClassBanner } from '@/components/classes/ClassBanner.client';
import { CourseNav } from '@/components/CourseNav';
import { LessonWorkspace } from '@/components/LessonWorkspace.client';
import { ClockIcon } from '@/components/icons';
import { ShareButton } from '@/components/ShareButton.client';
import { TerminalPanel } from '@/components/TerminalPanel';
import { sandboxNodes } from '@/lib/content/schema';
import { mdxComponents } from '@/components/mdx';
import { getCourse, lessonPath, loadLesson } from '@/lib/content';
import type { Locale } from '@/lib/i18n';
import { format } from '@/lib/i18n/format';
import { messages } from '@/lib/i18n/messages';

type Params = { locale: string; module: string; lesson: string };

export const dynamicParams = false;

export async function generateStaticParams({ params }: { params: { locale: Locale } }) {
  const course = await getCourse(params.locale);
  return course.modules.flatMap((m) => m.lessons.map((l) => ({ module: m.slug, lesson: l.slug })));
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const found = await loadLesson(params);
  return found ? { title: found.position.lesson.title, description: found.position.lesson.summary } : {};
}

export default async function LessonPage({ params }: { params: Promise<Params> }) {
  const found = await loadLesson(params);
  if (!found) notFound();
  const { locale, course, position, code } = found;
  const { lesson, module, previous, next } = position;
  const t = messages[locale];
  const Body = getMDXComponent(code);

  const article = (
    <article className="mx-auto max-w-3xl px-5 py-8 sm:px-8">
      <ClassBanner locale={locale} t={t.classes.banner} lesson={`${module.slug}/${lesson.slug}`} lessons={Object.fromEntries(course.modules.flatMap((m) => m.lessons.map((l) => [`${m.slug}/${l.slug}`, l.title])))} />
      <details className="mb-6 rounded-lg border border-slate-200 p-3 xl:hidden dark:border-slate-800">
        <summary className="cursor-pointer text-sm font-medium">{t.courseContents}</summary>
        <div className="mt-3">
          <CourseNav course={course} current={lesson} />
        </div>
      </details>
      <p className="text-sm font-semibold text-sky-700 dark:text-sky-400">
        {format(t.module, { n: position.moduleNumber })} · {module.title}
      </p>
      <div className="mt-1 flex items-start justify-between gap-4">
        <h1 className="text-3xl font-bold tracking-tight">{lesson.title}</h1>
        <ShareButton lessonPath={lessonPath(locale, lesson)} embedPath={`/embed${lessonPath(locale, lesson)}`} labels={t.shareLabels} />
      </div>
      <p className="mt-2 text-lg text-slate-600 dark:text-slate-300">{lesson.summary}</p>
      <p className="mt-2 text-sm text-slate-500 dark:text-slate-400"><ClockIcon /> {format(t.minutes, { n: lesson.duration })}</p>
      <section className="mt-6 rounded-lg bg-slate-50 p-4 dark:bg-slate-900" aria-labelledby="objectives">
        <h2 id="objectives" className="text-sm font-semibold">
          {t.objectives}
        </h2>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
          {lesson.objectives.map((objective) => (
            <li key={objective}>{objective}</li>
          ))}
        </ul>
      </section>
      <div className="prose prose-slate mt-8 max-w-none dark:prose-invert prose-code:before:content-none prose-code:after:content-none prose-pre:bg-transparent">
        <Body components={mdxComponents[locale]} />
      </div>
      <nav className="mt-12 flex justify-between gap-4 border-t border-slate-200 pt-6 dark:border-slate-800" aria-label={`${t.previous} / ${t.next}`}>
        {previous ? (
          <Link href={lessonPath(locale, previous)} rel="prev" className="group max-w-[48%]">
            <span className="block text-xs text-slate-500 dark:text-slate-400">← {t.previous}</span>
            <span className="font-medium text-sky-700 group-hover:underline dark:text-sky-400">{previous.title}</span>
          </Link>
        ) : (
          <span />
        )}
        {next && (
          <Link href={lessonPath(locale, next)} rel="next" className="group max-w-[48%] text-right">
            <span className="block text-xs text-slate-500 dark:text-slate-400">{t.next} →</span>
            <span className="font-medium text-sky-700 group-hover:underline dark:text-sky-400">{next.title}</span>
          </Link>
        )}
      </nav>
    </article>
  );

  return (
    <div className="flex">
      <aside className="sticky top-14 hidden h-[calc(100dvh-3.5rem)] w-64 shrink-0 overflow-y-auto border-r border-slate-200 p-4 xl:block dark:border-slate-800">
        <CourseNav course={course} current={lesson} />
      </aside>
      <main id="main" className="min-w-0 flex-1">
        {lesson.sandbox === 'none' ? (
          article
        ) : (
          <LessonWorkspace lesson={article} terminal={<TerminalPanel locale={locale} nodes={sandboxNodes[lesson.sandbox]} statePanel={lesson.statePanel !== false} />}
            labels={{ lessonTab: t.lessonTab, terminalTab: t.terminalTab, resizePanels: t.resizePanels }}
          />
        )}
      </main>
    </div>
  );
}
