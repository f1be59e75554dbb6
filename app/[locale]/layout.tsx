import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/SiteHeader';
import { themeScript } from '@/components/ThemeToggle.client';
import { getCourse } from '@/lib/content';
import { isLocale, locales } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';
import '../globals.css';

export const dynamicParams = false;
export const generateStaticParams = () => locales.map((locale) => ({ locale }));

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }): Promise<Metadata> {
  const { locale } = await params;
  if (!isLocale(locale)) return {};
  const course = await getCourse(locale);
  return { title: { default: course.title, template: `%s · ${course.title}` }, description: course.description, icons: '/favicon.svg' };
}

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const course = await getCourse(locale);
  return (
    <html lang={locale} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen bg-white text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-slate-900">
          {messages[locale].skipToContent}
        </a>
        <SiteHeader locale={locale} courseTitle={course.title} />
        {children}
      </body>
    </html>
  );
}
