'use client';

import { useEffect, useState, type ComponentType } from 'react';
import { loadWorkspace } from './load';
import type { WorkspaceProps } from './Workspace.client';

/** The editor tab's panel: the editor's code loads the first time it is shown (unless idle time brought it already). */
export function LazyWorkspace(props: WorkspaceProps) {
  const [Workspace, setWorkspace] = useState<ComponentType<WorkspaceProps> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    loadWorkspace().then(
      (module) => live && setWorkspace(() => module.Workspace),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  if (Workspace) return <Workspace {...props} />;
  return (
    <div className={`min-h-0 flex-1 items-center justify-center bg-white text-sm text-slate-700 dark:bg-slate-950 dark:text-slate-300 ${props.inView ? 'flex' : 'hidden'}`}>
      <p role="status">{failed ? props.t.loadFailed : props.t.loading}</p>
    </div>
  );
}
