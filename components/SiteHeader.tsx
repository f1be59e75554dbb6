import Link from 'next/link';
import { otherLocale, type Locale } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';
import { LogoIcon } from './icons';
import { LanguageSwitch } from './LanguageSwitch.client';
import { ThemeToggle } from './ThemeToggle.client';

export function SiteHeader({ locale, courseTitle }: { locale: Locale; courseTitle: string }) {
  const t = messages[locale];
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="flex h-14 items-center gap-3 px-4">
        <Link href={`/${locale}`} prefetch={false} className="flex items-center gap-2 font-semibold">
          <LogoIcon />
          {courseTitle}
        </Link>
        <nav className="ml-auto flex items-center gap-1">
          <LanguageSwitch to={otherLocale(locale)} label={t.switchLanguage} title={t.switchLanguageLabel} />
          <ThemeToggle label={t.themeLabel} />
        </nav>
      </div>
    </header>
  );
}
