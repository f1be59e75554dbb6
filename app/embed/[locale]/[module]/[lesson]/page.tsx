import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getMDXComponent } from 'mdx-bundler/client';
import { EmbedBridge } from '@/components/EmbedBridge.client';
import { LessonWorkspace } from '@/components/LessonWorkspace.client';
import { mdxComponents } from '@/components/mdx';
import { TerminalPanel } from '@/components/TerminalPanel';
import { getCourse, lessonPath, loadLesson } from '@/lib/content';
import { sandboxNodes } from '@/lib/content/schema';
import { locales } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';
import { lessonStepIds } from '@/lib/content/quizzes';

type Params = { locale: string; module: string; lesson: string };

export const dynamicParams = false;

export async function generateStaticParams() {
  const all = await Promise.all(locales.map(async (locale) => ({ locale, course: await getCourse(locale) })));
  return all.flatMap(({ locale, course }) => course.modules.flatMap((m) => m.lessons.map((l) => ({ locale, module: m.slug, lesson: l.slug }))));
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const found = await loadLesson(params);
  return found ? { title: found.position.lesson.title, robots: { index: false } } : {};
}

/** One lesson with its terminal, compact, for an iframe on another site (README: "Embedding a lesson"). */
export default async function EmbeddedLesson({ params }: { params: Promise<Params> }) {
  const found = await loadLesson(params);
  if (!found) notFound();
  const { locale, position, code } = found;
  const { lesson } = position;
  const t = messages[locale];
  const Body = getMDXComponent(code);

  const article = (
    <article lang={locale} className="px-4 py-5">
      <h1 className="text-2xl font-bold tracking-tight">{lesson.title}</h1>
      <p className="mt-1 text-sm">
        <a href={lessonPath(locale, lesson)} target="_blank" rel="noopener" className="text-sky-700 hover:underline dark:text-sky-400">
          {t.openInCourse} ↗
        </a>
      </p>
      <div className="prose prose-slate prose-sm mt-4 max-w-none dark:prose-invert prose-code:before:content-none prose-code:after:content-none prose-pre:bg-transparent">
        <Body components={mdxComponents[locale]} />
      </div>
      <EmbedBridge lesson={`${lesson.module}/${lesson.slug}`} checks={lessonStepIds(lesson).length} />
    </article>
  );
  if (lesson.sandbox === 'none') return <main>{article}</main>;
  return (
    <main>
      <LessonWorkspace
        compact
        lesson={article}
        terminal={<TerminalPanel locale={locale} nodes={sandboxNodes[lesson.sandbox]} statePanel={lesson.statePanel !== false} />}
        labels={{ lessonTab: t.lessonTab, terminalTab: t.terminalTab, resizePanels: t.resizePanels }}
      />
    </main>
  );
}
