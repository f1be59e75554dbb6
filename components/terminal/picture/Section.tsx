import type { ReactNode } from 'react';
import type { PictureWords } from '@/lib/docker-state/words';
import { format } from '@/lib/i18n/format';

/** One kind of object, under a heading that counts those left out too. */
export function Section({ title, count, more, t, children }: { title: string; count: number; more: number; t: PictureWords; children: ReactNode }) {
  return (
    <details open className="mt-2">
      <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
        <h3 className="inline">
          {title} ({count + more})
        </h3>
      </summary>
      <div className="mt-1">
        {count === 0 ? <p className="text-xs text-slate-500 dark:text-slate-400">{t.none}</p> : children}
        {more > 0 && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{format(t.more, { n: more })}</p>}
      </div>
    </details>
  );
}
