import 'client-only';
/**
 * Lesson code blocks and the terminal talk through a window event, so neither has to know
 * where the other sits in the page, and the terminal can load later than the lesson.
 */

export const runEvent = 'course:run';

export interface RunDetail {
  command: string;
  /** In a lab: the node (from 1) whose shell should run it; otherwise the tab in view runs it. */
  node?: number;
}

declare global {
  interface WindowEventMap {
    [runEvent]: CustomEvent<RunDetail>;
  }
}

export function runInTerminal(command: string, node?: number): void {
  window.dispatchEvent(new CustomEvent(runEvent, { detail: { command, node } }));
}

/** What the shell receives for a code block: its lines, each followed by Enter. */
export function commandKeystrokes(command: string): string {
  return command.replace(/\s+$/, '').split(/\r?\n/).join('\r') + '\r';
}

let mounted = 0;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

/** Whether a terminal is on the page, so "Run" buttons only show when something will run them. */
export const terminalPresence = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  get: (): boolean => mounted > 0,
  /** Returns the call that takes the announcement back. */
  announce(): () => void {
    mounted++;
    notify();
    return () => {
      mounted--;
      notify();
    };
  },
};
