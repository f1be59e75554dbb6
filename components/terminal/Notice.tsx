import type { ReactNode } from 'react';

/** The message that stands in for the terminal while there is no shell to show. */
export function Notice({ busy, children }: { busy?: boolean; children: ReactNode }) {
  return (
    <div className="flex max-w-sm flex-col items-center gap-3 p-6 text-center text-sm text-slate-300">
      {busy && <span aria-hidden="true" className="h-5 w-5 animate-spin rounded-full border-2 border-slate-600 border-t-sky-400 motion-reduce:animate-none" />}
      {children}
    </div>
  );
}
