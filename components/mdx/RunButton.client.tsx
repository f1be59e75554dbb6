'use client';

import { useSyncExternalStore } from 'react';
import { runInTerminal, terminalPresence } from '@/lib/client/run-command';

/** Types the code block it sits in into the terminal; shown only while a terminal is on the page to receive it. */
export function RunButton({ label, title }: { label: string; title: string }) {
  const available = useSyncExternalStore(terminalPresence.subscribe, terminalPresence.get, () => false);
  if (!available) return null;
  return (
    <button
      type="button"
      data-testid="run-command"
      title={title}
      className="flex items-center gap-1 rounded border border-sky-700 bg-sky-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-sky-800 dark:border-sky-600"
      onClick={(event) => {
        const pre = event.currentTarget.closest('[data-code-block]')?.querySelector('pre');
        runInTerminal(pre?.textContent ?? '', Number(pre?.dataset.node) || undefined);
      }}
    >
      <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
        <path d="M2 1l7 4-7 4z" fill="currentColor" />
      </svg>
      {label}
    </button>
  );
}
