'use client';

import { useEffect, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import { sessionHeaders } from '@/lib/client/session';
import { runEvent, type RunDetail } from '@/lib/client/run-command';
import { TerminalView } from './TerminalView.client';
import { StatePanel, useDockerState } from './StatePanel.client';
import { readSetting, writeSetting } from '@/lib/client/settings';
import { firstTab, nodeName } from '@/lib/terminal-protocol';
import { loadTabs, maxTabs, newTabId, tabsKey } from './tabs';
import { fontSizeKey, fontSizes, loadFontSize } from './font';
import { LazyWorkspace } from '@/components/workspace/LazyWorkspace.client';
import { TerminalDrop } from '@/components/workspace/TerminalDrop.client';
import { editorTabId, useEditorTab } from '@/components/workspace/useEditorTab';

const screenReaderKey = 'terminal-screen-reader';

const tabDomId = (id: string) => `terminal-tab-${id}`;

function ToolButton({ label, onClick, disabled, pressed, children }: { label: string; onClick: () => void; disabled?: boolean; pressed?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      disabled={disabled}
      onClick={onClick}
      className={`flex h-7 min-w-7 items-center justify-center gap-1.5 rounded px-1.5 text-sm hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-sky-400 disabled:opacity-40 disabled:hover:bg-transparent ${pressed ? 'bg-slate-800 text-sky-300' : 'text-slate-300'}`}
    >
      {children}
    </button>
  );
}

const icon = { width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

/** The words of the terminal, of its state panel and of the editor beside it, in the page's language. */
export type TerminalWords = Pick<Messages, 'terminal' | 'dockerState' | 'workspace'>;

export interface TerminalAppProps {
  words: TerminalWords;
  /** How many machines the lesson's lab has: 1 for one Docker host, more for a Swarm lab. */
  nodes: number;
  /** Whether the lesson shows the picture of the learner's Docker beside the shell. */
  statePanel: boolean;
}

/** The terminal's tabs and tools around the shell of the active tab. */
export function TerminalApp({ words, nodes, statePanel }: TerminalAppProps) {
  return nodes > 1 ? <LabTerminal words={words} nodes={nodes} statePanel={statePanel} /> : <ShellTabs words={words} statePanel={statePanel} />;
}

/** A lab: one tab per node, named as the node, and each lesson command typed into its node's tab. */
function LabTerminal({ words, nodes, statePanel }: TerminalAppProps) {
  const t = words.terminal;
  const names = Array.from({ length: nodes }, (_, i) => nodeName(i));
  const [active, setActive] = useState(1);
  const [pending, setPending] = useState<{ node: number; command: string } | null>(null);
  const tools = useTools();
  const docker = useDockerState();
  // The editor follows the node: it shows the files of the machine whose tab was last chosen.
  const showNode = (node: number) => {
    if (node !== active) docker.clear();
    setActive(node);
  };
  const editor = useEditorTab(nodes, showNode);

  // The command reaches the node's shell once; switching tabs later must not type it again.
  useEffect(() => {
    if (pending) setPending(null);
  }, [pending]);

  useEffect(() => {
    const onRun = (event: CustomEvent<RunDetail>) => {
      const node = event.detail.node;
      if (!node || node === active || node > nodes) return;
      setPending({ node, command: event.detail.command });
      setActive(node);
    };
    window.addEventListener(runEvent, onRun);
    return () => window.removeEventListener(runEvent, onRun);
  }, [active, nodes]);

  return (
    <TerminalFrame
      t={t}
      tools={tools}
      tabs={[
        ...names.map((name) => ({ id: name, label: name, title: format(t.nodeTabTitle, { name }) })),
        { id: editorTabId, label: format(words.workspace.labTab, { node: names[active - 1]! }), title: format(words.workspace.labTabTitle, { node: names[active - 1]! }) },
      ]}
      active={editor.shown ? editorTabId : names[active - 1]!}
      onSelect={(id) => {
        if (id === editorTabId) return editor.show();
        editor.hide();
        // The picture is of the node the tab shows.
        docker.clear();
        setActive(names.indexOf(id) + 1);
      }}
    >
      <TerminalDrop t={words.workspace} node={active} hidden={editor.shown} onUploaded={editor.filesChanged}>
        <TerminalView
          key={active}
          tabId={firstTab}
          node={{ index: active, count: nodes }}
          initialCommand={pending?.node === active ? pending.command : undefined}
          t={t}
          fontSize={tools.fontSize}
          screenReader={tools.screenReader}
          autoFocus={pending?.node === active}
          watchState={statePanel && docker.open}
          onState={docker.onState}
        />
      </TerminalDrop>
      {editor.opened && (
        <LazyWorkspace t={words.workspace} node={active} nodes={nodes} onNode={showNode} fontSize={tools.fontSize} inView={editor.shown} request={editor.request} onRequestHandled={editor.requestHandled} changed={editor.changed} />
      )}
      {statePanel && <StatePanel t={words.dockerState} feed={docker} />}
    </TerminalFrame>
  );
}

/** One Docker host: shell tabs the learner opens and closes, remembered across reloads. */
function ShellTabs({ words, statePanel }: { words: TerminalWords; statePanel: boolean }) {
  const t = words.terminal;
  const [tabs, setTabs] = useState(loadTabs);
  const [focusTerminal, setFocusTerminal] = useState(false);
  const tools = useTools();
  const docker = useDockerState();
  const editor = useEditorTab(1, () => {});

  useEffect(() => writeSetting(tabsKey, JSON.stringify(tabs)), [tabs]);

  const select = (active: string) => {
    if (active === editorTabId) return editor.show();
    editor.hide();
    setFocusTerminal(false);
    setTabs((current) => ({ ...current, active }));
  };

  const add = () => {
    const id = newTabId();
    editor.hide();
    setFocusTerminal(true);
    setTabs((current) => ({ ids: [...current.ids, id], active: id }));
  };

  // The shell keeps running in the sandbox until the sandbox ends; the page just stops showing it.
  const close = () =>
    setTabs(({ ids, active }) => {
      if (ids.length < 2) return { ids, active };
      const index = ids.indexOf(active);
      const rest = ids.filter((id) => id !== active);
      return { ids: rest, active: rest[Math.min(index, rest.length - 1)]! };
    });

  return (
    <TerminalFrame
      t={t}
      tools={tools}
      tabs={[...tabs.ids.map((id, index) => ({ id, label: format(t.tab, { n: index + 1 }) })), { id: editorTabId, label: words.workspace.tab, title: words.workspace.tabTitle }]}
      active={editor.shown ? editorTabId : tabs.active}
      onSelect={select}
      onClose={tabs.ids.length > 1 && !editor.shown ? close : undefined}
      onAdd={tabs.ids.length < maxTabs ? add : undefined}
    >
      <TerminalDrop t={words.workspace} node={1} hidden={editor.shown} onUploaded={editor.filesChanged}>
        <TerminalView
          key={tabs.active}
          tabId={tabs.active}
          node={{ index: 1, count: 1 }}
          t={t}
          fontSize={tools.fontSize}
          screenReader={tools.screenReader}
          autoFocus={focusTerminal}
          watchState={statePanel && docker.open}
          onState={docker.onState}
        />
      </TerminalDrop>
      {editor.opened && <LazyWorkspace t={words.workspace} node={1} nodes={1} onNode={() => {}} fontSize={tools.fontSize} inView={editor.shown} request={editor.request} onRequestHandled={editor.requestHandled} changed={editor.changed} />}
      {statePanel && <StatePanel t={words.dockerState} feed={docker} />}
    </TerminalFrame>
  );
}

/** Font size and screen-reader mode, remembered across lessons. */
function useTools() {
  const [fontSize, setFontSize] = useState(loadFontSize);
  const [screenReader, setScreenReader] = useState(() => readSetting(screenReaderKey) === '1');
  useEffect(() => writeSetting(fontSizeKey, String(fontSize)), [fontSize]);
  useEffect(() => writeSetting(screenReaderKey, screenReader ? '1' : '0'), [screenReader]);
  return { fontSize, setFontSize, screenReader, setScreenReader };
}

interface FrameTab {
  id: string;
  label: string;
  title?: string;
}

/** The tab bar and tools around the shell in view. */
function TerminalFrame({
  t,
  tools,
  tabs,
  active,
  onSelect,
  onClose,
  onAdd,
  children,
}: {
  t: TerminalWords['terminal'];
  tools: ReturnType<typeof useTools>;
  tabs: FrameTab[];
  active: string;
  onSelect: (id: string) => void;
  onClose?: () => void;
  onAdd?: () => void;
  children: ReactNode;
}) {
  const [resetFailed, setResetFailed] = useState(false);
  const { fontSize, setFontSize, screenReader, setScreenReader } = tools;

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const ids = tabs.map((tab) => tab.id);
    const index = ids.indexOf(active);
    const target: Record<string, number> = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: ids.length - 1 };
    if (event.key === 'Delete') return onClose?.();
    const next = target[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const id = ids[(next + ids.length) % ids.length]!;
    onSelect(id);
    document.getElementById(tabDomId(id))?.focus();
  };

  const reset = async () => {
    if (!window.confirm(t.resetConfirm)) return;
    setResetFailed(false);
    const response = await fetch('/api/sandbox/reset', { method: 'POST', credentials: 'same-origin', headers: sessionHeaders() }).catch(() => null);
    // On success the server closes the terminal's socket and the terminal reconnects to the new sandbox.
    if (!response?.ok) setResetFailed(true);
  };

  return (
    <div className="flex h-full flex-col">
      <div className="flex min-h-10 shrink-0 flex-wrap items-center gap-1 border-b border-slate-800 px-2 py-1.5">
        <div role="tablist" aria-label={t.tabs} className="flex min-w-0 items-center gap-1 overflow-x-auto" onKeyDown={onTabKey}>
          {tabs.map(({ id, label, title }) => (
            <button
              key={id}
              id={tabDomId(id)}
              type="button"
              role="tab"
              title={title}
              aria-selected={id === active}
              aria-controls="terminal-tabpanel"
              tabIndex={id === active ? 0 : -1}
              onClick={() => onSelect(id)}
              className={`h-7 shrink-0 rounded px-2.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-400 ${id === active ? 'bg-slate-800 font-medium text-white' : 'text-slate-400 hover:bg-slate-900 hover:text-slate-200'}`}
            >
              {label}
            </button>
          ))}
        </div>
        {onClose && (
          <ToolButton label={t.closeTab} onClick={onClose}>
            <svg {...icon}>
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </ToolButton>
        )}
        {onAdd && (
          <ToolButton label={t.newTab} onClick={onAdd}>
            <svg {...icon}>
              <path d="M12 5v14M5 12h14" />
            </svg>
          </ToolButton>
        )}
        <div className="ml-auto flex items-center gap-1">
          {/* The names start with what the buttons show, so "click A minus" works for voice control too. */}
          <ToolButton label={`A− ${t.smaller}`} onClick={() => setFontSize((size) => Math.max(fontSizes.min, size - 1))} disabled={fontSize <= fontSizes.min}>
            <span aria-hidden="true" className="text-xs font-semibold">A−</span>
          </ToolButton>
          <ToolButton label={`A+ ${t.larger}`} onClick={() => setFontSize((size) => Math.min(fontSizes.max, size + 1))} disabled={fontSize >= fontSizes.max}>
            <span aria-hidden="true" className="text-base font-semibold">A+</span>
          </ToolButton>
          <ToolButton label={t.screenReader} pressed={screenReader} onClick={() => setScreenReader((on) => !on)}>
            <svg {...icon}>
              <circle cx="12" cy="4.5" r="1.5" />
              <path d="M5 8.5l7 1.5 7-1.5M12 10v4.5M8.5 21l3.5-6.5 3.5 6.5" />
            </svg>
          </ToolButton>
          <ToolButton label={t.reset} onClick={reset}>
            <svg {...icon}>
              <path d="M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5" />
            </svg>
            <span aria-hidden="true" className="hidden @lg:inline">
              {t.reset}
            </span>
          </ToolButton>
        </div>
      </div>
      {resetFailed && (
        <p role="alert" className="shrink-0 bg-red-950 px-3 py-1.5 text-sm text-red-200">
          {t.resetFailed}
        </p>
      )}
      <div role="tabpanel" id="terminal-tabpanel" aria-labelledby={tabDomId(active)} className="flex min-h-0 flex-1 flex-col">
        {children}
      </div>
    </div>
  );
}
