import 'client-only';
import { ensureSession } from '@/lib/client/session';
import { savedSplit, splitVariable } from '@/components/lesson-split';
import type { Size } from '@/lib/terminal-protocol';
import { TerminalConnection } from './connection';
import { loadFontSize, monospaceFamily } from './font';
import { firstShown } from './tabs';

/**
 * Begun before React hydrates the lesson page (this module is imported by instrumentation-client.ts):
 * the session call (which names this lesson, so the server starts the learner's sandbox at once), the
 * terminal's own code, and the first shell's socket, at the size the terminal will have. The terminal's
 * code stays out of the page's first bundle.
 */
function loadTerminalCode() {
  return import('./TerminalApp.client').then((module) => {
    performance.mark('course:terminal-code');
    return module;
  });
}

/** Beside the cells, the fit addon leaves room for xterm's scrollbar. */
const scrollbarPx = 14;

/**
 * The size xterm will fit itself to, from the box it will fill (the loading frame has the terminal's
 * layout) and a cell measured the way xterm measures one. The server starts the shell at it; if the
 * guess is off (a saved layout the frame cannot know), the terminal's real size follows at once and
 * tmux redraws. Null where the pane is hidden: the shell then waits for the view's size.
 */
function guessSize(area: HTMLElement): Size | null {
  const { width, height } = area.getBoundingClientRect();
  if (width <= scrollbarPx || height <= 0) return null;
  const probe = document.createElement('span');
  Object.assign(probe.style, { position: 'absolute', display: 'inline-block', visibility: 'hidden', lineHeight: 'normal', whiteSpace: 'pre', fontKerning: 'none', fontFamily: monospaceFamily, fontSize: `${loadFontSize()}px` });
  probe.textContent = 'W'.repeat(32);
  area.append(probe);
  const cell = { width: probe.offsetWidth / 32, height: probe.offsetHeight };
  probe.remove();
  if (!cell.width || !cell.height) return null;
  return { cols: Math.floor((Math.floor(width) - scrollbarPx) / cell.width), rows: Math.floor(Math.floor(height) / cell.height) };
}

let earlyCode: ReturnType<typeof loadTerminalCode> | null = null;

function start(): void {
  // The panel (server-rendered) says how many machines the lesson has; lessons without a sandbox have none.
  const panel = document.querySelector<HTMLElement>('[data-testid="terminal-panel"]');
  if (!panel) return;
  void ensureSession(location.pathname).catch(() => {});
  earlyCode = loadTerminalCode();
  const nodes = Number(panel.dataset.nodes);
  // The learner's own split is the terminal's width: applied now, not after hydration (which applies it
  // again), so the guess below is right and the page does not shift once hydrated.
  const split = savedSplit();
  if (split) panel.closest<HTMLElement>('[data-lesson-workspace]')?.style.setProperty(splitVariable, `${split}%`);
  const area = panel.querySelector<HTMLElement>('[data-terminal-area]');
  if (nodes >= 1) TerminalConnection.openEarly(firstShown(nodes), area && guessSize(area));
}

// The page's scripts may run while its HTML is still being read: the panel is there once it has been.
if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
}

/** The terminal's code: the load begun early, or one begun now. */
export const terminalCode = () => earlyCode ?? loadTerminalCode();
