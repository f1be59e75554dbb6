import 'client-only';
import { ensureSession } from '@/lib/client/session';
import { TerminalConnection } from './connection';
import { firstShown } from './tabs';

/**
 * Begun as soon as the lesson page's code first runs in the browser, before React renders anything: the
 * session call (which names this lesson, so the server starts the learner's sandbox at once), the
 * terminal's own code, and the first shell's socket. Imported by the lesson's outermost client
 * component, whose code runs first; the terminal's code stays out of the page's first bundle.
 */
function loadTerminalCode() {
  return import('./TerminalApp.client').then((module) => {
    performance.mark('course:terminal-code');
    return module;
  });
}

let earlyCode: ReturnType<typeof loadTerminalCode> | null = null;
// The panel (server-rendered) says how many machines the lesson has; lessons without a sandbox have none.
const panel = typeof document === 'undefined' ? null : document.querySelector<HTMLElement>('[data-testid="terminal-panel"]');
if (panel) {
  void ensureSession(location.pathname).catch(() => {});
  earlyCode = loadTerminalCode();
  const nodes = Number(panel.dataset.nodes);
  if (nodes >= 1) TerminalConnection.openEarly(firstShown(nodes));
}

/** The terminal's code: the load begun early, or one begun now. */
export const terminalCode = () => earlyCode ?? loadTerminalCode();
