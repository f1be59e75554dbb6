'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { LearnerClass } from '@/lib/classes/http';
import type { Locale } from '@/lib/i18n';
import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import { readSetting, writeSetting } from '@/lib/client/settings';

const dismissedKey = 'class-ended-dismissed';

/** For a learner in a class: where the class is (the instructor's pin), followed live, and when it ends. */
export function ClassBanner({ locale, t, lesson, lessons }: { locale: Locale; t: Messages['classes']['banner']; lesson: string; lessons: Record<string, string> }) {
  const [klass, setKlass] = useState<LearnerClass | null>(null);

  useEffect(() => {
    let source: EventSource | null = null;
    let live = true;
    // Most learners are in no class: they cost one small request, and no open stream.
    void fetch('/api/class', { credentials: 'same-origin' })
      .then((response) => (response.ok ? (response.json() as Promise<{ class: LearnerClass | null }>) : { class: null }))
      .then(({ class: found }) => {
        if (!live || !found) return;
        setKlass(found);
        if (found.ended) return;
        source = new EventSource('/api/class/events');
        source.onmessage = (event: MessageEvent<string>) => setKlass(JSON.parse(event.data) as LearnerClass | null);
      })
      .catch(() => {});
    return () => {
      live = false;
      source?.close();
    };
  }, []);

  if (!klass) return null;
  if (klass.ended) {
    if (readSetting(dismissedKey) === klass.title) return null;
    return (
      <p role="status" className="mb-6 flex items-center justify-between gap-3 rounded-lg bg-slate-100 px-4 py-2 text-sm dark:bg-slate-900" data-testid="class-banner">
        {format(t.ended, { title: klass.title })}
        <button
          type="button"
          className="shrink-0 underline"
          onClick={() => {
            writeSetting(dismissedKey, klass.title);
            setKlass(null);
          }}
        >
          {t.dismiss}
        </button>
      </p>
    );
  }
  const pinned = klass.pinned;
  return (
    <p role="status" className="mb-6 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-violet-300 bg-violet-50 px-4 py-2 text-sm dark:border-violet-800 dark:bg-violet-950" data-testid="class-banner">
      <strong>{format(t.title, { title: klass.title })}</strong>
      {pinned === lesson && <span>{t.isHere}</span>}
      {pinned && pinned !== lesson && (
        <span>
          {t.isAt}{' '}
          <Link href={`/${locale}/${pinned}`} className="font-semibold text-violet-800 underline dark:text-violet-300" data-testid="class-pin">
            {lessons[pinned] ?? pinned} → {t.goThere}
          </Link>
        </span>
      )}
    </p>
  );
}
