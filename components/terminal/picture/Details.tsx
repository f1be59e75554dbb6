import type { Fact } from '@/lib/docker-state/facts';
import type { PictureWords } from '@/lib/docker-state/words';

/** The selected object's key facts, kept in view above the picture while it scrolls. */
export function Details({ facts, onClose, t }: { facts: Fact[]; onClose: () => void; t: PictureWords }) {
  return (
    <div data-testid="docker-state-details" className="sticky top-0 z-10 mt-1 rounded border border-sky-500 bg-white p-2 text-xs shadow dark:bg-slate-900">
      <div className="flex items-center justify-between">
        <h3 className="font-semibold">{t.details}</h3>
        <button type="button" onClick={onClose} className="rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800" aria-label={t.closeDetails}>
          ×
        </button>
      </div>
      <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5">
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
            <dd className="break-all">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
