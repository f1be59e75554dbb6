'use client';

import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type ITheme } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import { commandKeystrokes, runEvent, terminalPresence, type RunDetail } from '@/lib/client/run-command';
import { emitCourseEvent } from '@/lib/client/course-events';
import type { PublishedPort, SocketAddress } from '@/lib/terminal-protocol';
import type { StateUpdate } from '@/lib/docker-state';
import { TerminalConnection, type ConnectionEvents, type ConnectionState, type NodeChoice } from './connection';
import { monospaceFamily } from './font';
import { isMac, terminalKeys } from './keys';
import { Notice } from './Notice';
import { TroubleNotices, troubleTitle, withoutTrouble, withTrouble, type Troubles } from './TroubleNotice';
import { extendSandbox } from '@/lib/client/sandbox';
import { extendText, queuedText, warningText } from './status-text';

declare global {
  interface Window {
    /** How browser tests read the terminal: xterm draws on a canvas-like grid that has no usable text in the DOM. */
    __courseTerminal?: { text(): string; size(): { cols: number; rows: number } };
  }
}

export const terminalBackground = '#020617';

/** Dark in both site themes: shells and Docker's output are written for dark terminals. */
const theme: ITheme = {
  background: terminalBackground,
  foreground: '#e2e8f0',
  cursor: '#38bdf8',
  cursorAccent: terminalBackground,
  selectionBackground: '#334155',
  black: '#1e293b',
  red: '#f87171',
  green: '#4ade80',
  yellow: '#facc15',
  blue: '#60a5fa',
  magenta: '#c084fc',
  cyan: '#22d3ee',
  white: '#cbd5e1',
  brightBlack: '#64748b',
  brightRed: '#fca5a5',
  brightGreen: '#86efac',
  brightYellow: '#fde047',
  brightBlue: '#93c5fd',
  brightMagenta: '#d8b4fe',
  brightCyan: '#67e8f9',
  brightWhite: '#f8fafc',
};

/** Only web links open, in a new tab that cannot reach back into the course. */
function openLink(uri: string): void {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') window.open(url.href, '_blank', 'noopener,noreferrer');
  } catch {
    // Not a URL: nothing to open.
  }
}

/** Screen and scrollback as plain text; a line the terminal wrapped comes back whole. */
function bufferText(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const text = line.translateToString(!buffer.getLine(y + 1)?.isWrapped);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.join('\n');
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

type DataState = 'connecting' | 'starting' | 'queued' | 'ready' | 'reconnecting' | 'closed';

function dataStateOf(state: ConnectionState): DataState {
  if (state.phase !== 'open') return state.phase;
  switch (state.status?.state) {
    case undefined:
      return 'connecting';
    case 'starting':
    case 'resetting':
      return 'starting';
    case 'queued':
      return 'queued';
    default:
      return 'ready';
  }
}

const dotColour: Record<DataState, string> = {
  connecting: 'bg-sky-400',
  starting: 'bg-sky-400',
  queued: 'bg-amber-400',
  ready: 'bg-emerald-400',
  reconnecting: 'bg-amber-400',
  closed: 'bg-red-500',
};

export interface TerminalViewProps {
  tabId: string;
  node: NodeChoice;
  /** A lesson command to type once the shell is there (a Run button that asked for this node's tab). */
  initialCommand?: string;
  t: Messages['terminal'];
  fontSize: number;
  screenReader: boolean;
  autoFocus: boolean;
  /** An instructor's view of a learner's shell (their class token and member id): it shows everything and sends no keystrokes. */
  watch?: SocketAddress['watch'];
  /** The Docker-state panel is open: this tab's socket carries the picture of its node. */
  watchState?: boolean;
  onState?: (update: StateUpdate) => void;
}

/** One shell: xterm on one socket, with what the sandbox is doing shown around it. */
export function TerminalView({ tabId, node, initialCommand, t, fontSize, screenReader, autoFocus, watch, watchState = false, onState }: TerminalViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const terminalRef = useRef<{ terminal: Terminal; fit: FitAddon; connection: TerminalConnection } | null>(null);
  const [state, setState] = useState<ConnectionState>({ phase: 'connecting' });
  const [ports, setPorts] = useState<PublishedPort[]>([]);
  const [troubles, setTroubles] = useState<Troubles>({});
  const status = state.phase === 'open' ? state.status : null;
  const warning = status?.state === 'warning' ? status : null;
  const now = useNow(warning ? 1000 : 30_000);
  const [extending, setExtending] = useState<'no' | 'asking' | 'failed'>('no');
  const hintId = `terminal-hint-${tabId}`;
  const onStateRef = useRef(onState);
  onStateRef.current = onState;

  useEffect(() => {
    Terminal.strings.promptLabel = t.inputLabel;
    Terminal.strings.tooMuchOutput = t.tooMuchOutput;
    const terminal = new Terminal({ fontSize, fontFamily: monospaceFamily, theme, screenReaderMode: screenReader, cursorBlink: !watch, disableStdin: !!watch, scrollback: 5000, linkHandler: { activate: (_event, uri) => openLink(uri) } });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(new WebLinksAddon((_event, uri) => openLink(uri)));
    terminal.open(host.current!);
    terminal.attachCustomKeyEventHandler(terminalKeys(terminal, isMac()));
    terminal.textarea?.setAttribute('aria-describedby', hintId);

    const address = { tab: tabId, nodes: node.count, node: node.index, watch };
    const events: ConnectionEvents = {
      attached: () => terminal.reset(),
      output: (data, processed) => terminal.write(data, processed),
      change: setState,
      ports: setPorts,
      trouble: (trouble) => setTroubles((known) => withTrouble(known, trouble)),
      state: (update) => onStateRef.current?.(update),
    };
    // The page may have opened this shell's socket already, while this code loaded.
    const early = TerminalConnection.adopt(address, events);
    const connection = early ?? new TerminalConnection(address, events);
    const subscriptions = [
      terminal.onData((data) => connection.input(data)),
      terminal.onBinary((data) => connection.input(Uint8Array.from(data, (c) => c.charCodeAt(0)))),
      terminal.onResize((size) => connection.resize(size)),
    ];
    // A hidden pane (the lesson tab on a narrow screen) has no size; fitting waits until it is shown.
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host.current!);
    fit.fit();
    connection.resize({ cols: terminal.cols, rows: terminal.rows });
    if (!early) connection.connect();

    let focusFrame = 0;
    if (initialCommand) connection.input(commandKeystrokes(initialCommand));
    const onRun = (event: CustomEvent<RunDetail>) => {
      // In a lab, a command for another node is that node's tab's to run.
      if ((event.detail.node ?? node.index) !== node.index) return;
      connection.input(commandKeystrokes(event.detail.command));
      // After the page has had a chance to show the terminal pane.
      focusFrame = requestAnimationFrame(() => terminal.focus());
    };
    if (!watch) window.addEventListener(runEvent, onRun);
    const reader = { text: () => bufferText(terminal), size: () => ({ cols: terminal.cols, rows: terminal.rows }) };
    window.__courseTerminal = reader;
    const withdraw = terminalPresence.announce();
    if (autoFocus) terminal.focus();
    terminalRef.current = { terminal, fit, connection };

    return () => {
      terminalRef.current = null;
      withdraw();
      if (window.__courseTerminal === reader) delete window.__courseTerminal;
      window.removeEventListener(runEvent, onRun);
      cancelAnimationFrame(focusFrame);
      observer.disconnect();
      subscriptions.forEach((subscription) => subscription.dispose());
      connection.dispose();
      terminal.dispose();
    };
    // Options that change later are applied by the effects below, without a new shell.
  }, [tabId, watch?.classToken, watch?.member]);

  useEffect(() => {
    const current = terminalRef.current;
    if (!current || current.terminal.options.fontSize === fontSize) return;
    current.terminal.options.fontSize = fontSize;
    current.fit.fit();
  }, [fontSize]);

  useEffect(() => {
    if (terminalRef.current) terminalRef.current.terminal.options.screenReaderMode = screenReader;
  }, [screenReader]);

  useEffect(() => terminalRef.current?.connection.watchState(watchState), [watchState, tabId]);

  useEffect(() => {
    if ((state.phase === 'closed' || state.phase === 'reconnecting') && state.reason === 'expired') emitCourseEvent({ type: 'sandbox-expired' });
  }, [state]);

  // A new warning starts with its button, whatever became of the last one.
  useEffect(() => setExtending('no'), [warning?.endsAt]);

  // The socket brings the new deadline to every tab and the warning goes; the learner is back in the shell.
  const extend = async () => {
    setExtending('asking');
    const extended = await extendSandbox();
    setExtending(extended ? 'no' : 'failed');
    if (extended) terminalRef.current?.terminal.focus();
  };
  const extendMs = warning?.reason === 'ttl' && !watch ? warning.extendMs : 0;

  const dataState = dataStateOf(state);
  const reason = state.phase === 'reconnecting' || state.phase === 'closed' ? state.reason : null;
  const reasonText = reason ? t.closeReasons[reason] : null;

  const trouble = troubleTitle(t.troubles, troubles);
  let line: string;
  if (state.phase === 'reconnecting') line = reasonText ?? t.reconnecting;
  else if (state.phase === 'closed') line = reasonText ?? t.closed;
  else if (status?.state === 'starting') line = t.starting;
  else if (status?.state === 'resetting') line = t.resetting;
  else if (status?.state === 'queued') line = queuedText(t, status);
  else if (trouble) line = trouble;
  else if (status?.state === 'ready') line = `${t.connected} · ${format(t.expiresIn, { minutes: Math.max(0, Math.floor((status.expiresAt - now) / 60_000)) })}`;
  else if (warning) line = t.connected;
  else line = t.connecting;

  let overlay: string | null = null;
  if (state.phase === 'reconnecting') overlay = reasonText ? `${reasonText} ${t.reconnecting}` : t.reconnecting;
  else if (state.phase === 'closed') overlay = reasonText ?? t.closed;
  else if (status?.state === 'queued') overlay = queuedText(t, status);
  else if (status?.state === 'resetting') overlay = t.resetting;
  else if (dataState !== 'ready') overlay = t.starting;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {warning && (
        <div data-testid="terminal-warning" className="flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1 bg-amber-300 px-3 py-1.5 text-sm font-medium text-amber-950">
          <p role="alert">{warningText(t, warning, now)}</p>
          {extendMs > 0 && (
            <button
              type="button"
              // Not `disabled`, which would drop the keyboard's focus while the request runs.
              aria-disabled={extending === 'asking'}
              onClick={() => extending !== 'asking' && void extend()}
              className="rounded bg-amber-950 px-2.5 py-0.5 text-amber-50 hover:bg-amber-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-950 aria-disabled:opacity-60"
            >
              {extending === 'asking' ? t.extending : extendText(t, extendMs)}
            </button>
          )}
          {extending === 'failed' && <p role="alert">{t.extendFailed}</p>}
        </div>
      )}
      <TroubleNotices t={t.troubles} troubles={troubles} node={node.index} readOnly={!!watch} onDismiss={(kind) => setTroubles((known) => withoutTrouble(known, kind))} />
      <div className="relative min-h-0 flex-1">
        <div ref={host} data-testid="terminal" className="absolute inset-y-1 right-0 left-2" />
        {overlay && (
          <div className="absolute inset-0 flex items-center justify-center bg-[#020617]/85">
            <Notice busy={state.phase !== 'closed'}>
              <p>{overlay}</p>
              {state.phase === 'closed' && (
                <button
                  type="button"
                  className="mt-1 rounded-md bg-sky-500 px-3 py-1.5 text-sm font-medium text-slate-950 hover:bg-sky-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-300"
                  onClick={() => terminalRef.current?.connection.connect()}
                >
                  {t.reconnect}
                </button>
              )}
            </Notice>
          </div>
        )}
      </div>
      {ports.length > 0 && (
        <div aria-label={t.publishedPorts} role="group" className="flex shrink-0 flex-wrap items-center gap-1.5 border-t border-slate-800 px-3 py-1.5">
          {ports.map(({ port, url }) => (
            <a
              key={port}
              href={url}
              target="_blank"
              rel="noopener"
              title={format(t.openPortTitle, { port })}
              data-testid="preview-link"
              className="inline-flex items-center gap-1 rounded border border-emerald-700 px-2 py-0.5 text-xs font-medium text-emerald-300 hover:bg-emerald-950 focus-visible:outline-2 focus-visible:outline-emerald-400"
            >
              {format(t.openPort, { port })}
              <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
                <path d="M3 1h6v6M9 1L2 8" fill="none" stroke="currentColor" strokeWidth="1.5" />
              </svg>
            </a>
          ))}
        </div>
      )}
      <div data-testid="terminal-status" data-state={dataState} className="flex h-7 shrink-0 items-center gap-2 border-t border-slate-800 px-3 text-xs text-slate-400">
        <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${dotColour[dataState]}`} />
        <span role="status" className="truncate">
          {line}
        </span>
        <span id={hintId} className="ml-auto hidden shrink-0 text-slate-400 @md:inline">
          {t.keyboardHint}
        </span>
      </div>
    </div>
  );
}
