import 'client-only';
import type { Terminal } from '@xterm/xterm';

const modifierKeys = new Set(['Shift', 'Control', 'Alt', 'Meta']);

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The letter a shortcut means, also with a Korean (or other non-Latin) input method active. */
function letterOf(event: KeyboardEvent): string {
  return /^[a-z]$/i.test(event.key) ? event.key.toLowerCase() : event.code.replace(/^Key/, '').toLowerCase();
}

function copySelection(term: Terminal): void {
  const text = term.getSelection();
  if (!text) return;
  if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => copyByCommand(text, term));
  else copyByCommand(text, term);
}

/** Without clipboard permission (or on plain http) the browser's old copy command still works on a selected text field. */
function copyByCommand(text: string, term: Terminal): void {
  const field = document.createElement('textarea');
  field.value = text;
  field.style.cssText = 'position:fixed;opacity:0';
  document.body.append(field);
  field.select();
  document.execCommand('copy');
  field.remove();
  term.focus();
}

/**
 * The terminal's own shortcuts, kept apart from what the shell receives:
 * copy is Ctrl+Shift+C, Cmd+C on macOS, or Ctrl+C while text is selected (otherwise Ctrl+C is ^C);
 * paste is Ctrl+Shift+V, Cmd+V on macOS, or Ctrl+V elsewhere; Escape then Tab moves focus out of the terminal.
 */
export function terminalKeys(term: Terminal, mac: boolean): (event: KeyboardEvent) => boolean {
  let escaped = false;
  return (event) => {
    const letter = letterOf(event);
    const ctrlShift = event.ctrlKey && event.shiftKey && !event.altKey && !event.metaKey;
    const cmd = mac && event.metaKey && !event.ctrlKey && !event.altKey;
    const ctrl = !mac && event.ctrlKey && !event.shiftKey && !event.altKey && !event.metaKey;
    const keydown = event.type === 'keydown';

    if ((ctrlShift || cmd) && letter === 'c') {
      // Ctrl+Shift+C would otherwise open the browser's element inspector.
      event.preventDefault();
      if (keydown) copySelection(term);
      return false;
    }
    if (ctrl && letter === 'c' && term.hasSelection()) {
      event.preventDefault();
      if (keydown) {
        copySelection(term);
        term.clearSelection();
      }
      return false;
    }
    // Paste is left to the browser: its paste event reaches xterm without asking for clipboard permission.
    if ((ctrlShift || cmd || ctrl) && letter === 'v') return false;

    if (!keydown || modifierKeys.has(event.key)) return true;
    if (event.key === 'Tab' && escaped) {
      escaped = false;
      return false;
    }
    escaped = event.key === 'Escape';
    return true;
  };
}
