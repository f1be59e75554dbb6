import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ClassDashboard } from '@/components/classes/ClassDashboard.client';
import { isLocale } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';

type Params = { locale: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { locale } = await params;
  return isLocale(locale) ? { title: messages[locale].classes.dashboard, robots: { index: false } } : {};
}

/** The instructor's dashboard. The link's secret is after the #, so it never reaches a server log. */
export default async function DashboardPage({ params }: { params: Promise<Params> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  return (
    <main id="main" className="mx-auto max-w-6xl px-5 py-8">
      <ClassDashboard locale={locale} t={messages[locale].classes} terminal={messages[locale].terminal} />
    </main>
  );
}
