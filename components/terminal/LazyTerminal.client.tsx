'use client';

import { useEffect, useState, type ComponentType } from 'react';
import { terminalCode } from './early-start';
import { Notice } from './Notice';
import type { TerminalAppProps, TerminalWords } from './TerminalApp.client';

/** xterm and everything around it load beside the lesson, so the lesson page stays light. */
export function LazyTerminal({ words, nodes, statePanel, title }: { words: TerminalWords; nodes: number; statePanel: boolean; title: string }) {
  const { starting, connecting, loadFailed } = words.terminal;
  const [App, setApp] = useState<ComponentType<TerminalAppProps> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    terminalCode().then(
      (module) => live && setApp(() => module.TerminalApp),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  if (App) return <App words={words} nodes={nodes} statePanel={statePanel} />;
  // Laid out as the terminal will be: the page sizes the first shell from the box xterm will fill.
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-10 shrink-0 items-center border-b border-slate-800 px-3 text-sm text-slate-300">{title}</div>
      <div className="relative min-h-0 flex-1">
        <div data-terminal-area className="absolute inset-y-1 right-0 left-2" />
        <div className="absolute inset-0 flex items-center justify-center">
          <Notice busy={!failed}>{failed ? loadFailed : starting}</Notice>
        </div>
      </div>
      <div data-testid="terminal-status" data-state={failed ? 'closed' : 'connecting'} className="flex h-7 shrink-0 items-center border-t border-slate-800 px-3 text-xs text-slate-400">
        {failed ? loadFailed : connecting}
      </div>
      {statePanel && <div className="box-content h-8 shrink-0 border-t border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-950" />}
    </div>
  );
}
