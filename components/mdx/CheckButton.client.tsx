'use client';

import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { sessionHeaders } from '@/lib/client/session';
import { emitCourseEvent } from '@/lib/client/course-events';
import { progressStore } from '@/lib/client/progress';
import { useProgress } from '../progress.client';

interface Labels {
  check: string;
  checking: string;
  passed: string;
  hint: string;
  failedToCheck: string;
}

type State = { phase: 'idle' | 'checking' | 'passed' } | { phase: 'failed'; message: string; hint?: string };

/** Asks the server to look at the learner's own Docker; the server decides, the page only shows it. */
export function CheckButton({ id, labels }: { id: string; labels: Labels }) {
  // The lesson's own address, also when it is shown embedded (/embed/en/…).
  const pathname = usePathname().replace(/^\/embed(?=\/)/, '');
  const lesson = pathname.split('/').slice(2, 4).join('/');
  const [checked, setState] = useState<State>({ phase: 'idle' });
  // A step passed on an earlier visit shows as done until the learner checks again.
  const savedPass = useProgress().passed[lesson]?.includes(id);
  const state: State = checked.phase === 'idle' && savedPass ? { phase: 'passed' } : checked;

  async function run() {
    setState({ phase: 'checking' });
    try {
      const response = await fetch('/api/check', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', ...sessionHeaders() },
        body: JSON.stringify({ path: pathname, id }),
      });
      const body = (await response.json()) as { passed?: boolean; message?: string; hint?: string; error?: string };
      if (body.passed) {
        setState({ phase: 'passed' });
        progressStore.markPassed(lesson, id);
        emitCourseEvent({ type: 'step-completed', lesson, step: id });
      }
      else setState({ phase: 'failed', message: body.message ?? body.error ?? labels.failedToCheck, hint: body.hint });
    } catch {
      setState({ phase: 'failed', message: labels.failedToCheck });
    }
  }

  return (
    <div className="not-prose my-6 rounded-lg border border-slate-200 p-3 dark:border-slate-700" data-check={id} data-state={state.phase}>
      <div className="flex items-center gap-3">
        <button
          type="button"
          onClick={run}
          disabled={state.phase === 'checking'}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-60"
        >
          {state.phase === 'checking' ? labels.checking : labels.check}
        </button>
        <p role="status" className="text-sm">
          {state.phase === 'passed' && <span className="font-medium text-emerald-700 dark:text-emerald-400">✓ {labels.passed}</span>}
          {state.phase === 'failed' && <span className="text-amber-800 dark:text-amber-300">{state.message}</span>}
        </p>
      </div>
      {state.phase === 'failed' && state.hint && (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          <span className="font-semibold">{labels.hint}:</span> {state.hint}
        </p>
      )}
    </div>
  );
}
