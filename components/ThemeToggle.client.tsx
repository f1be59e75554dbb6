'use client';

import { MoonIcon, SunIcon } from './icons';

/** Flips the theme class set before paint by themeScript, and remembers the choice. */
export function ThemeToggle({ label }: { label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className="rounded-md p-2 hover:bg-slate-100 dark:hover:bg-slate-800"
      onClick={() => {
        const dark = document.documentElement.classList.toggle('dark');
        localStorage.setItem('theme', dark ? 'dark' : 'light');
      }}
    >
      <span className="dark:hidden">
        <MoonIcon />
      </span>
      <span className="hidden dark:inline">
        <SunIcon />
      </span>
    </button>
  );
}

/**
 * Runs before the first paint so a dark-theme learner never sees a white flash. Where storage is
 * refused (an embed in another site), the system's preference still decides.
 */
export const themeScript = `var t;try{t=localStorage.getItem('theme')}catch(e){}document.documentElement.classList.toggle('dark',t?t==='dark':matchMedia('(prefers-color-scheme: dark)').matches)`;
