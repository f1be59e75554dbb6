'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { localeCookie, type Locale } from '@/lib/i18n';

/** Links to the same page in the other language and remembers the choice for the next visit to "/". */
export function LanguageSwitch({ to, label, title }: { to: Locale; label: string; title: string }) {
  const pathname = usePathname();
  const href = pathname.replace(/^\/[^/]+/, `/${to}`);
  return (
    <Link
      href={href}
      // Prefetched on hover only: fetched with every page, it competes with the terminal's start.
      prefetch={false}
      hrefLang={to}
      title={title}
      data-testid="language-switch"
      className="rounded-md px-2 py-1 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800"
      onClick={(event) => {
        document.cookie = `${localeCookie}=${to}; path=/; max-age=31536000; samesite=lax`;
        // The fragment can be what the page is about (an instructor's dashboard link): it comes along.
        if (location.hash) {
          event.preventDefault();
          location.assign(href + location.hash);
        }
      }}
    >
      {label}
    </Link>
  );
}
