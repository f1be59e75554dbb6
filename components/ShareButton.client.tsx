'use client';

import { useState } from 'react';

interface Labels {
  share: string;
  link: string;
  embed: string;
  copy: string;
  copied: string;
  embedTitle: string;
}

/** The lesson's address, and the iframe that puts it on another site (if the operator allows that site). */
export function ShareButton({ lessonPath, embedPath, labels }: { lessonPath: string; embedPath: string; labels: Labels }) {
  const [origin, setOrigin] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const link = `${origin}${lessonPath}`;
  const snippet = `<iframe src="${origin}${embedPath}" width="100%" height="640" style="border:0" allow="clipboard-read; clipboard-write" title="${labels.embedTitle.replaceAll('"', '&quot;')}"></iframe>`;
  const copy = async (what: string, text: string) => {
    await navigator.clipboard?.writeText(text).catch(() => {});
    setCopied(what);
  };

  return (
    <details className="relative inline-block text-sm" onToggle={() => setOrigin(location.origin)}>
      <summary className="cursor-pointer list-none rounded-md border border-slate-300 px-2.5 py-1 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
        {labels.share}
      </summary>
      <div className="absolute z-20 mt-2 w-[min(28rem,90vw)] space-y-3 rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900" data-testid="share">
        {[
          ['link', labels.link, link],
          ['embed', labels.embed, snippet],
        ].map(([what, label, text]) => (
          <div key={what}>
            <div className="flex items-center justify-between">
              <span className="font-medium">{label}</span>
              <button type="button" onClick={() => copy(what!, text!)} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
                {copied === what ? labels.copied : labels.copy}
              </button>
            </div>
            <code className="mt-1 block rounded bg-slate-100 p-2 text-xs break-all select-all dark:bg-slate-800" data-testid={`share-${what}`}>
              {text}
            </code>
          </div>
        ))}
      </div>
    </details>
  );
}
