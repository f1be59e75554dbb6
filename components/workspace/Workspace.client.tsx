'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { format } from '@/lib/i18n/format';
import { nodeName } from '@/lib/terminal-protocol';
import { draftPaths, dropDraftsUnder, moveDrafts, rememberedFile, rememberFile } from './drafts';
import { FileEditor } from './FileEditor.client';
import { FileTree } from './FileTree.client';
import { parentOf } from './tree-model';
import { useUploads } from './Uploads.client';
import { useTree } from './useTree';
import type { WorkspaceWords } from './words';

/** A file another part of the page asked to open (course:open-file); `seq` tells one request from the next. */
export interface OpenRequest {
  node: number;
  path: string;
  seq: number;
}

export interface WorkspaceProps {
  t: WorkspaceWords;
  /** The node whose files are shown (1 for a single sandbox). */
  node: number;
  /** How many machines the lab has: with more than one, the editor offers to switch. */
  nodes: number;
  onNode: (node: number) => void;
  fontSize: number;
  /** The editor tab is the one shown. Hidden, it keeps its state and asks the sandbox nothing. */
  inView: boolean;
  request: OpenRequest | null;
  /** The request was acted on: a later editor of the same node must not open it again. */
  onRequestHandled: () => void;
  /** Changes when files changed from elsewhere (an upload onto the terminal). */
  changed: number;
}

/** Loaded with the editor in idle time, so the first Dockerfile or Compose file shows its diagnostics at once. */
export const preloadLanguages = () => Promise.all([import('./dockerfile-support'), import('./yaml-support')]);

/** The site's theme is a class on <html> (components/ThemeToggle.client.tsx): the editor follows it as it flips. */
function useSiteDark(): boolean {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'));
  useEffect(() => {
    const root = document.documentElement;
    const observer = new MutationObserver(() => setDark(root.classList.contains('dark')));
    observer.observe(root, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);
  return dark;
}

/** Paths from elsewhere may be absolute; inside home the tree and the drafts name them relative to it. */
const homeRelative = (path: string) => path.replace(/^\/home\/learner\/+/, '').replace(/^\.\//, '');

const ancestors = (path: string | null) => {
  const folders = new Set<string>();
  for (let folder = path ? parentOf(path) : ''; folder; folder = parentOf(folder)) folders.add(folder);
  return folders;
};

/** The editor tab: in a lab, which machine's files; then that node's files beside the open file. */
export function Workspace(props: WorkspaceProps) {
  const { t, node, nodes, onNode, inView } = props;
  return (
    <div className={`min-h-0 flex-1 flex-col bg-white text-slate-900 dark:bg-slate-950 dark:text-slate-100 ${inView ? 'flex' : 'hidden'}`} data-testid="workspace" data-node={node}>
      {nodes > 1 && (
        <div className="flex shrink-0 items-center gap-2 border-b border-slate-200 px-2 py-1 text-sm dark:border-slate-800">
          <label htmlFor="workspace-machine" className="text-slate-700 dark:text-slate-300">
            {t.machine}
          </label>
          <select
            id="workspace-machine"
            value={node}
            onChange={(event) => onNode(Number(event.target.value))}
            className="rounded border border-slate-400 bg-white px-1.5 py-0.5 text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:focus-visible:outline-sky-400"
          >
            {Array.from({ length: nodes }, (_, index) => (
              <option key={index} value={index + 1}>
                {nodeName(index)}
              </option>
            ))}
          </select>
        </div>
      )}
      {/* Each node has its own files, open file and unsaved changes. */}
      <NodeFiles key={node} {...props} />
    </div>
  );
}

function NodeFiles({ t, node, fontSize, inView, request, onRequestHandled, changed }: WorkspaceProps) {
  const tree = useTree(node, inView);
  const [openPath, setOpenPath] = useState<string | null>(() => rememberedFile(node));
  const [selected, setSelected] = useState<string | null>(openPath);
  const [expanded, setExpanded] = useState<Set<string>>(() => ancestors(openPath));
  const [drafts, setDrafts] = useState<Set<string>>(() => draftPaths(node));
  const [focusSeq, setFocusSeq] = useState(0);
  const focusWanted = useRef<string | null>(null);
  const dark = useSiteDark();
  const { refresh } = tree;
  const uploads = useUploads(node, () => void refresh());
  const entries = tree.tree?.entries ?? [];

  const open = useCallback(
    (path: string, focusEditor: boolean) => {
      setOpenPath(path);
      rememberFile(node, path);
      setSelected(path);
      setExpanded((now) => new Set([...now, ...ancestors(path)]));
      if (focusEditor) {
        focusWanted.current = path;
        setFocusSeq((seq) => seq + 1);
      }
    },
    [node],
  );

  const takeFocus = useCallback((path: string) => {
    if (focusWanted.current !== path) return false;
    focusWanted.current = null;
    return true;
  }, []);

  useEffect(() => {
    if (!request || request.node !== node) return;
    onRequestHandled();
    void refresh();
    open(homeRelative(request.path), true);
  }, [request, node, open, refresh, onRequestHandled]);

  const firstChange = useRef(changed);
  useEffect(() => {
    if (changed !== firstChange.current) void refresh();
  }, [changed, refresh]);

  const toggle = useCallback((path: string, to?: boolean) => {
    setExpanded((now) => {
      const next = new Set(now);
      if (to ?? !now.has(path)) next.add(path);
      else next.delete(path);
      return next;
    });
  }, []);

  const within = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
  const onRenamed = (from: string, to: string) => {
    moveDrafts(node, from, to);
    setDrafts(draftPaths(node));
    if (openPath && within(openPath, from)) open(to + openPath.slice(from.length), false);
  };
  const onDeleted = (path: string) => {
    dropDraftsUnder(node, path);
    setDrafts(draftPaths(node));
    if (openPath && within(openPath, path)) close();
  };
  const close = () => {
    setOpenPath(null);
    rememberFile(node, null);
  };

  const entry = !tree.tree || !openPath || openPath.startsWith('/') ? undefined : (entries.find((item) => item.path === openPath) ?? null);

  return (
    <div className="flex min-h-0 flex-1 flex-col @xl:flex-row">
      <div className="flex max-h-[45%] min-h-32 shrink-0 flex-col border-b border-slate-200 @xl:max-h-none @xl:w-60 @xl:border-r @xl:border-b-0 dark:border-slate-800">
        <FileTree
          t={t}
          node={node}
          entries={entries}
          loaded={tree.tree !== null}
          problem={tree.error ? format(t.failed.tree, { reason: t.errors[tree.error] }) : null}
          selected={selected}
          onSelect={setSelected}
          expanded={expanded}
          onToggle={toggle}
          drafts={drafts}
          openPath={openPath}
          onOpen={open}
          onChanged={() => void refresh()}
          onRenamed={onRenamed}
          onDeleted={onDeleted}
          uploads={uploads}
        />
      </div>
      {openPath ? (
        <FileEditor
          key={`${node}:${openPath}`}
          t={t}
          node={node}
          path={openPath}
          entry={entry}
          fontSize={fontSize}
          dark={dark}
          focusSeq={focusSeq}
          takeFocus={takeFocus}
          onSaved={() => void refresh()}
          onDrafts={() => setDrafts(draftPaths(node))}
          onGone={close}
        />
      ) : (
        <p className="flex-1 p-4 text-sm text-slate-700 dark:text-slate-300">{t.noFile}</p>
      )}
    </div>
  );
}
