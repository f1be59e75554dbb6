import 'client-only';
/**
 * Anything on the page (a lesson's file block, a link) asks the editor to open a file of the sandbox
 * through this window event, so it needs to know neither where the editor sits nor whether its code has
 * loaded yet. The editor shows its tab (in a lab, the tab of that node), refreshes its file tree and
 * opens the file.
 */

export const openFileEvent = 'course:open-file';

export interface OpenFileDetail {
  /** The lab node (from 1) whose file it is; 1 for a single sandbox. */
  node: number;
  /** Relative to the learner's home (`app/Dockerfile`), or absolute under /home/learner or /tmp. */
  path: string;
}

declare global {
  interface WindowEventMap {
    [openFileEvent]: CustomEvent<OpenFileDetail>;
  }
}

export function openInEditor(path: string, node = 1): void {
  window.dispatchEvent(new CustomEvent(openFileEvent, { detail: { node, path } }));
}
