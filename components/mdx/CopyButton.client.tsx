'use client';

import { useState } from 'react';

/** Copies the text of the code block it sits in; the text is read from the page, so it is what the learner sees. */
export function CopyButton({ label, doneLabel }: { label: string; doneLabel: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="rounded border border-slate-300 bg-white/90 px-2 py-0.5 text-xs text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800/90 dark:text-slate-200 dark:hover:bg-slate-700"
      onClick={async (event) => {
        const text = event.currentTarget.closest('[data-code-block]')?.querySelector('pre')?.textContent ?? '';
        await navigator.clipboard.writeText(text.trimEnd());
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? doneLabel : label}
    </button>
  );
}
