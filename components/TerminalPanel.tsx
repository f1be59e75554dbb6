import type { Locale } from '@/lib/i18n';
import { messages } from '@/lib/messages';

/** Where the learner's terminal sits; the terminal itself loads lazily into this frame. */
export function TerminalPanel({ locale }: { locale: Locale }) {
  const t = messages[locale];
  return (
    <div className="flex h-full flex-col bg-slate-950 text-slate-200" data-testid="terminal-panel">
      <div className="flex items-center gap-2 border-b border-slate-800 px-3 py-2 text-sm">
        <span aria-hidden="true" className="h-2.5 w-2.5 rounded-full bg-slate-500" />
        {t.terminalTitle}
      </div>
      <div className="flex flex-1 items-center justify-center p-6 text-center text-sm text-slate-400">{t.terminalPlaceholder}</div>
    </div>
  );
}
