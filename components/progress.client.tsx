'use client';

import Link from 'next/link';
import { useState, useSyncExternalStore } from 'react';
import { sessionHeaders } from '@/lib/client/session';
import { progressStore } from '@/lib/client/progress';
import { format } from '@/lib/i18n/format';

const emptyProgress = progressStore.empty();
export const useProgress = () => useSyncExternalStore(progressStore.subscribe, progressStore.get, () => emptyProgress);

/** ✓ beside a lesson whose checks have all passed; how many so far while it is under way. */
export function LessonMark({ lesson, checks, labels }: { lesson: string; checks: number; labels: { done: string; partly: string } }) {
  const passed = useProgress().passed[lesson]?.length ?? 0;
  if (!passed || !checks) return null;
  const partly = format(labels.partly, { n: passed, of: checks });
  if (passed >= checks)
    return (
      <span className="ml-1.5 text-emerald-600 dark:text-emerald-400" title={labels.done} data-testid="lesson-done">
        ✓<span className="sr-only"> {labels.done}</span>
      </span>
    );
  return (
    <span className="ml-1.5 text-xs text-slate-500 dark:text-slate-400" title={partly}>
      {passed}/{checks}
      <span className="sr-only"> {partly}</span>
    </span>
  );
}

/** Where a returning learner left off, and a private link that carries their progress to another browser. */
export function ResumeBox({ lessons, labels }: { lessons: Record<string, { title: string; href: string }>; labels: { resume: string; carry: string; carryHelp: string; copied: string } }) {
  const { last } = useProgress();
  const [link, setLink] = useState<string | null>(null);
  const lesson = last ? lessons[last] : undefined;
  if (!lesson) return null;

  const makeLink = async () => {
    const response = await fetch('/api/learner/link', { method: 'POST', credentials: 'same-origin', headers: sessionHeaders() });
    if (!response.ok) return;
    const url = new URL(((await response.json()) as { path: string }).path, location.origin).href;
    setLink(url);
    await navigator.clipboard?.writeText(url).catch(() => {});
  };

  return (
    <div className="mt-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950" data-testid="resume">
      <Link href={lesson.href} className="font-semibold text-emerald-800 hover:underline dark:text-emerald-300">
        {labels.resume}: {lesson.title} →
      </Link>
      <div className="mt-2 text-sm text-slate-600 dark:text-slate-300">
        <button type="button" onClick={makeLink} className="underline decoration-dotted hover:text-slate-900 dark:hover:text-white">
          {labels.carry}
        </button>
        {link && (
          <p className="mt-1">
            {labels.copied} <code className="break-all select-all" data-testid="carry-link">{link}</code>
            <br />
            {labels.carryHelp}
          </p>
        )}
      </div>
    </div>
  );
}
