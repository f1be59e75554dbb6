import type { ReactNode } from 'react';

const variants = {
  note: { className: 'border-sky-500 bg-sky-50 dark:bg-sky-950/40' },
  tip: { className: 'border-emerald-500 bg-emerald-50 dark:bg-emerald-950/40' },
  warning: { className: 'border-amber-500 bg-amber-50 dark:bg-amber-950/40' },
} as const;

export type CalloutVariant = keyof typeof variants;

export function Callout({ variant, label, children }: { variant: CalloutVariant; label: string; children: ReactNode }) {
  const { className } = variants[variant];
  return (
    <aside className={`not-prose my-6 rounded-r-lg border-l-4 px-4 py-3 ${className}`} data-callout={variant}>
      <p className="mb-1 text-sm font-semibold">{label}</p>
      <div className="prose prose-slate max-w-none text-[0.95em] dark:prose-invert prose-p:my-2">{children}</div>
    </aside>
  );
}
