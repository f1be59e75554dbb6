import { useCallback, useEffect, useRef, useState } from 'react';
import { runEvent } from '@/lib/client/run-command';
import { openFileEvent, type OpenFileDetail } from '@/lib/client/workspace-events';
import { loadWhenIdle } from './load';
import type { OpenRequest } from './Workspace.client';

/** The editor's place among the terminal's tabs; no shell tab can have this id (they match tabNamePattern). */
export const editorTabId = 'editor-tab';

/**
 * The editor tab beside the terminal's tabs: whether it is shown, whether it was ever shown (then it
 * stays mounted, hidden, so its open file and cursor stay), and the requests that reach it from the page:
 * course:open-file shows it (on the node named, in a lab) and opens the file; a Run button shows the
 * terminal again. Its code loads in idle time once the shell is up, and it is then mounted, hidden.
 */
export function useEditorTab(nodes: number, showNode: (node: number) => void) {
  const [shown, setShown] = useState(false);
  const [opened, setOpened] = useState(false);
  const [request, setRequest] = useState<OpenRequest | null>(null);
  const [changed, setChanged] = useState(0);
  const nodeShower = useRef(showNode);
  nodeShower.current = showNode;

  // Once its code is in, the editor is put in place hidden, with the file it last showed read already,
  // so that opening the tab later only shows it.
  useEffect(() => loadWhenIdle(() => setOpened(true)), []);
  const requestHandled = useCallback(() => setRequest(null), []);

  useEffect(() => {
    let seq = 0;
    const onOpen = (event: CustomEvent<OpenFileDetail>) => {
      const { node, path } = event.detail ?? {};
      if (!Number.isInteger(node) || node < 1 || node > nodes || typeof path !== 'string' || !path) return;
      nodeShower.current(node);
      setRequest({ node, path, seq: ++seq });
      setShown(true);
      setOpened(true);
    };
    const onRun = () => setShown(false);
    window.addEventListener(openFileEvent, onOpen);
    window.addEventListener(runEvent, onRun);
    return () => {
      window.removeEventListener(openFileEvent, onOpen);
      window.removeEventListener(runEvent, onRun);
    };
  }, [nodes]);

  return {
    shown,
    opened,
    request,
    requestHandled,
    /** Files changed outside the editor (dropped onto the terminal): the tree lists them again. */
    changed,
    show: () => {
      setShown(true);
      setOpened(true);
    },
    hide: () => setShown(false),
    filesChanged: () => setChanged((count) => count + 1),
  };
}
