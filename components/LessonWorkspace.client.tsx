'use client';

import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { runEvent } from '@/lib/client/run-command';
import { openFileEvent } from '@/lib/client/workspace-events';
import { clampSplit, savedSplit, saveSplit, splitLimits, splitVariable } from './lesson-split';

interface Labels {
  lessonTab: string;
  terminalTab: string;
  resizePanels: string;
}

/**
 * The lesson text beside the terminal: side by side with a draggable divider on wide screens,
 * two tabs on narrow ones. Both panes stay mounted so switching tabs never drops the terminal.
 */
export function LessonWorkspace({ lesson, terminal, labels, compact = false }: { lesson: ReactNode; terminal: ReactNode; labels: Labels; compact?: boolean }) {
  const [tab, setTab] = useState<'lesson' | 'terminal'>('lesson');
  const [split, setSplit] = useState<number>(splitLimits.initial);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // The page's early start applied it to the element before hydration already (early-start.ts).
    const saved = savedSplit();
    if (saved) setSplit(saved);
  }, []);

  // A "Run" button in the lesson shows the terminal it types into; a file block, the editor beside it.
  useEffect(() => {
    const showTerminal = () => setTab('terminal');
    window.addEventListener(runEvent, showTerminal);
    window.addEventListener(openFileEvent, showTerminal);
    return () => {
      window.removeEventListener(runEvent, showTerminal);
      window.removeEventListener(openFileEvent, showTerminal);
    };
  }, []);

  const commit = (value: number) => {
    const next = clampSplit(value);
    setSplit(next);
    saveSplit(next);
  };

  const tabClass = (active: boolean) =>
    `flex-1 py-2 text-sm font-medium border-b-2 ${active ? 'border-sky-600 text-sky-700 dark:text-sky-400' : 'border-transparent text-slate-500 dark:text-slate-400'}`;

  return (
    <div ref={container} data-lesson-workspace className={`flex flex-col lg:flex-row ${compact ? 'h-dvh' : 'h-[calc(100dvh-3.5rem)]'}`} style={{ [splitVariable]: `${split}%` } as CSSProperties}>
      <div role="tablist" className="flex border-b border-slate-200 lg:hidden dark:border-slate-800">
        {(['lesson', 'terminal'] as const).map((name) => (
          <button key={name} role="tab" type="button" aria-selected={tab === name} aria-controls={`pane-${name}`} className={tabClass(tab === name)} onClick={() => setTab(name)}>
            {name === 'lesson' ? labels.lessonTab : labels.terminalTab}
          </button>
        ))}
      </div>
      <section id="pane-lesson" className={`min-h-0 min-w-0 flex-1 overflow-y-auto lg:block lg:flex-none lg:basis-[var(--split)] ${tab === 'lesson' ? '' : 'hidden'}`}>
        {lesson}
      </section>
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label={labels.resizePanels}
        aria-valuenow={Math.round(split)}
        aria-valuemin={splitLimits.min}
        aria-valuemax={splitLimits.max}
        tabIndex={0}
        data-testid="divider"
        className="hidden w-1.5 shrink-0 cursor-col-resize touch-none bg-slate-200 hover:bg-sky-400 focus:bg-sky-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 lg:block dark:bg-slate-800"
        onPointerDown={(event) => event.currentTarget.setPointerCapture(event.pointerId)}
        onPointerMove={(event) => {
          const box = container.current?.getBoundingClientRect();
          if (!box || !event.currentTarget.hasPointerCapture(event.pointerId)) return;
          commit(((event.clientX - box.left) / box.width) * 100);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowLeft') commit(split - 2);
          if (event.key === 'ArrowRight') commit(split + 2);
        }}
      />
      <section id="pane-terminal" className={`min-h-0 min-w-0 flex-1 lg:block ${tab === 'terminal' ? '' : 'hidden'}`}>
        {terminal}
      </section>
    </div>
  );
}
