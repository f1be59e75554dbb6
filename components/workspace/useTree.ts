import { useCallback, useEffect, useRef, useState } from 'react';
import { fileLimits, readTree, type FileReason, type Tree } from '@/lib/client/files';
import { reasonOf } from './words';

export interface TreeState {
  tree: Tree | null;
  error: FileReason | null;
}

/**
 * The node's home folder, asked again every few seconds while the editor is in view and the page is
 * visible: the terminal changes files too. A poll names the version it has, and the server answers
 * "nothing changed" without a listing, so an idle editor costs the sandbox next to nothing; a hidden
 * editor or page costs nothing at all.
 */
export function useTree(node: number, inView: boolean) {
  const [state, setState] = useState<TreeState>({ tree: null, error: null });
  const version = useRef<string | undefined>(undefined);
  const asking = useRef<Promise<void> | null>(null);

  const ask = useCallback(
    (whole: boolean) => {
      // One question at a time; a refresh asked meanwhile waits for the answer in flight, then asks whole.
      const run = async (): Promise<void> => {
        try {
          const tree = await readTree(node, whole ? undefined : version.current);
          if (tree) {
            version.current = tree.version;
            setState({ tree, error: null });
          } else setState((now) => (now.error ? { ...now, error: null } : now));
        } catch (error) {
          setState((now) => ({ ...now, error: reasonOf(error) }));
        }
      };
      const next = (asking.current ?? Promise.resolve()).then(run);
      asking.current = next.finally(() => {
        if (asking.current === next) asking.current = null;
      });
      return next;
    },
    [node],
  );

  useEffect(() => {
    version.current = undefined;
    setState({ tree: null, error: null });
  }, [node]);

  useEffect(() => {
    if (!inView) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const visible = () => document.visibilityState === 'visible';
    const loop = async () => {
      if (!live || !visible()) return;
      await ask(false);
      if (live) timer = setTimeout(loop, fileLimits.treePollMs);
    };
    const onVisibility = () => {
      clearTimeout(timer);
      void loop();
    };
    void loop();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      live = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [inView, ask]);

  return { ...state, refresh: () => ask(true) };
}
