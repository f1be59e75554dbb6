import type { Locale } from '@/lib/i18n';
import { messages } from '@/lib/i18n/messages';
import { LazyTerminal } from './terminal/LazyTerminal.client';

/** Where the learner's terminal sits; the terminal itself loads lazily into this frame. */
export function TerminalPanel({ locale, nodes, statePanel = true }: { locale: Locale; nodes: number; statePanel?: boolean }) {
  const t = messages[locale];
  return (
    <section aria-label={t.terminalTitle} className="@container h-full bg-[#020617] text-slate-200" data-testid="terminal-panel" data-nodes={nodes}>
      <LazyTerminal words={{ terminal: t.terminal, dockerState: t.dockerState, workspace: t.workspace }} nodes={nodes} statePanel={statePanel} title={t.terminalTitle} />
    </section>
  );
}
