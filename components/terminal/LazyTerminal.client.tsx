'use client';

import { useEffect, useState, type ComponentType } from 'react';
import { ensureSession } from '@/lib/client/session';
import { TerminalConnection } from './connection';
import { firstShown } from './tabs';
import { Notice } from './Notice';
import type { TerminalAppProps, TerminalWords } from './TerminalApp.client';

/**
 * Begun when the page's code first runs in the browser, not after it has rendered: the session call
 * (which names this lesson, so the server starts the learner's sandbox at once) and the terminal's own
 * code load while React hydrates the page. The terminal's code stays out of the page's first bundle.
 */
let earlyCode: ReturnType<typeof loadTerminalCode> | null = null;
if (typeof window !== 'undefined') {
  void ensureSession(location.pathname).catch(() => {});
  earlyCode = loadTerminalCode();
  // The panel (server-rendered) says how many machines the lesson has; the first shell's socket opens now.
  const nodes = Number(document.querySelector<HTMLElement>('[data-testid="terminal-panel"]')?.dataset.nodes);
  if (nodes >= 1) TerminalConnection.openEarly(firstShown(nodes));
}

function loadTerminalCode() {
  return import('./TerminalApp.client').then((module) => {
    performance.mark('course:terminal-code');
    return module;
  });
}

/** xterm and everything around it load beside the lesson, so the lesson page stays light. */
export function LazyTerminal({ words, nodes, statePanel, title }: { words: TerminalWords; nodes: number; statePanel: boolean; title: string }) {
  const { starting, connecting, loadFailed } = words.terminal;
  const [App, setApp] = useState<ComponentType<TerminalAppProps> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    (earlyCode ?? loadTerminalCode()).then(
      (module) => live && setApp(() => module.TerminalApp),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  if (App) return <App words={words} nodes={nodes} statePanel={statePanel} />;
  return (
    <div className="flex h-full flex-col">
      <div className="flex h-10 shrink-0 items-center border-b border-slate-800 px-3 text-sm text-slate-300">{title}</div>
      <div className="flex min-h-0 flex-1 items-center justify-center">
        <Notice busy={!failed}>{failed ? loadFailed : starting}</Notice>
      </div>
      <div data-testid="terminal-status" data-state={failed ? 'closed' : 'connecting'} className="flex h-7 shrink-0 items-center border-t border-slate-800 px-3 text-xs text-slate-400">
        {failed ? loadFailed : connecting}
      </div>
    </div>
  );
}
