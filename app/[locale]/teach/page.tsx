import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { NewClassForm } from '@/components/classes/NewClassForm.client';
import { getCourse } from '@/lib/content';
import { isLocale } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';

type Params = { locale: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { locale } = await params;
  return isLocale(locale) ? { title: messages[locale].classes.newTitle } : {};
}

export default async function TeachPage({ params }: { params: Promise<Params> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const course = await getCourse(locale);
  const t = messages[locale].classes;
  const modules = course.modules.map((m) => ({ title: m.title, lessons: m.lessons.map((l) => ({ key: `${m.slug}/${l.slug}`, title: l.title })) }));
  return (
    <main id="main" className="mx-auto max-w-3xl px-5 py-10">
      <h1 className="text-3xl font-bold tracking-tight">{t.newTitle}</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-300">{t.newIntro}</p>
      <NewClassForm locale={locale} t={t} modules={modules} />
    </main>
  );
}
