import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JoinForm } from '@/components/classes/JoinForm.client';
import { isLocale } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';

type Params = { locale: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { locale } = await params;
  return isLocale(locale) ? { title: messages[locale].classes.joinTitle } : {};
}

export default async function JoinPage({ params }: { params: Promise<Params> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const t = messages[locale].classes;
  return (
    <main id="main" className="mx-auto max-w-md px-5 py-12">
      <h1 className="text-3xl font-bold tracking-tight">{t.joinTitle}</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-300">{t.joinIntro}</p>
      <JoinForm t={t} />
    </main>
  );
}
