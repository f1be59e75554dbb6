'use client';

import { useMemo, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { createEntry, deleteEntry, download, renameEntry, type TreeEntry } from '@/lib/client/files';
import { format } from '@/lib/i18n/format';
import { folderOfRow, joinPath, nameOf, parentOf, validName, visibleRows, type Row } from './tree-model';
import { droppedOf, hasFiles, type Dropped } from './uploads';
import { UploadNotice, type UploadState } from './Uploads.client';
import { reasonText, sizeText, type WorkspaceWords } from './words';

const icon = { width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;
const icons = {
  newFile: <path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8zM14 3v5h5M12 11v6M9 14h6" />,
  newFolder: <path d="M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1zM12 10v6M9 13h6" />,
  upload: <path d="M12 16V4M7 9l5-5 5 5M4 20h16" />,
  rename: <path d="M4 20h4L19 9l-4-4L4 16zM13 7l4 4" />,
  delete: <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" />,
  download: <path d="M12 4v12M7 11l5 5 5-5M4 20h16" />,
  refresh: <path d="M20 12a8 8 0 1 1-2.3-5.7L20 8M20 3v5h-5" />,
};

function ToolButton({ label, title, onClick, disabled, children }: { label: string; title?: string; onClick: () => void; disabled?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={title ?? label}
      disabled={disabled}
      onClick={onClick}
      className="flex h-7 w-7 items-center justify-center rounded text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-40 disabled:hover:bg-transparent dark:text-slate-300 dark:hover:bg-slate-800 dark:focus-visible:outline-sky-400"
    >
      <svg {...icon}>{children}</svg>
    </button>
  );
}

/** What the form under the tool bar asks for: a name for a new file or folder, or a new name. */
type Asking = { kind: 'newFile' | 'newFolder'; folder: string } | { kind: 'rename'; path: string };

export interface FileTreeProps {
  t: WorkspaceWords;
  node: number;
  entries: TreeEntry[];
  /** The listing has come at least once. */
  loaded: boolean;
  /** Why the listing failed, already in words. */
  problem: string | null;
  selected: string | null;
  onSelect: (path: string) => void;
  expanded: ReadonlySet<string>;
  onToggle: (path: string, open?: boolean) => void;
  /** Paths with unsaved changes kept in the browser. */
  drafts: ReadonlySet<string>;
  openPath: string | null;
  onOpen: (path: string, focusEditor: boolean) => void;
  /** The files changed through the tree: list them again. */
  onChanged: () => void;
  onRenamed: (from: string, to: string) => void;
  onDeleted: (path: string) => void;
  uploads: { state: UploadState; start: (dropped: Dropped[], folder: string) => Promise<void>; dismiss: () => void };
}

const rowId = (node: number, path: string) => `workspace-${node}-row-${encodeURIComponent(path).replace(/%/g, '_')}`;

/**
 * The files of the node's home folder as a tree (WAI-ARIA tree view: one tab stop, arrows move, Enter
 * opens), with a tool bar for new files and folders, renaming, deleting, uploading and downloading.
 * Files dropped on a folder are uploaded into it.
 */
export function FileTree({ t, node, entries, loaded, problem, selected, onSelect, expanded, onToggle, drafts, openPath, onOpen, onChanged, onRenamed, onDeleted, uploads }: FileTreeProps) {
  const rows = useMemo(() => visibleRows(entries, expanded), [entries, expanded]);
  const current = rows.find((row) => row.path === selected);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ text: string; problem: boolean } | null>(null);
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderName = (folder: string) => (folder ? `~/${folder}` : t.home);
  const targetFolder = folderOfRow(current);

  const focusRow = (path: string | undefined) => {
    if (path === undefined) return;
    onSelect(path);
    requestAnimationFrame(() => document.getElementById(rowId(node, path))?.focus());
  };

  const ask = (next: Asking) => {
    setMessage(null);
    setAsking(next);
    setName(next.kind === 'rename' ? nameOf(next.path) : '');
  };

  const fail = (template: string, values: Record<string, string>, error: unknown) => setMessage({ text: format(template, { ...values, reason: reasonText(t, error) }), problem: true });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!asking) return;
    const wanted = name.trim();
    if (!validName(wanted)) return setMessage({ text: t.badName, problem: true });
    setMessage(null);
    if (asking.kind === 'rename') {
      const to = joinPath(parentOf(asking.path), wanted);
      if (to === asking.path) return setAsking(null);
      try {
        await renameEntry(node, asking.path, to);
        onRenamed(asking.path, to);
        setAsking(null);
        onChanged();
        focusRow(to);
      } catch (error) {
        fail(t.failed.rename, { name: nameOf(asking.path) }, error);
      }
      return;
    }
    const path = joinPath(asking.folder, wanted);
    try {
      await createEntry(node, path, asking.kind === 'newFile' ? 'file' : 'folder');
      setAsking(null);
      if (asking.folder) onToggle(asking.folder, true);
      onChanged();
      if (asking.kind === 'newFile') onOpen(path, true);
      else focusRow(path);
    } catch (error) {
      fail(t.failed.create, { name: wanted }, error);
    }
  };

  const remove = async (row: Row | undefined) => {
    if (!row) return;
    const confirmText = format(row.kind === 'folder' ? t.deleteFolderConfirm : t.deleteConfirm, { path: `~/${row.path}` });
    if (!window.confirm(confirmText)) return;
    try {
      await deleteEntry(node, row.path);
      onDeleted(row.path);
      onChanged();
      setMessage(null);
      const index = rows.indexOf(row);
      focusRow(rows.filter((other) => other !== row && !other.path.startsWith(`${row.path}/`))[Math.max(0, index - 1)]?.path);
    } catch (error) {
      fail(t.failed.delete, { name: row.name }, error);
    }
  };

  const save = async (row: Row | undefined) => {
    if (!row) return;
    const fileName = row.kind === 'folder' ? `${row.name}.tar.gz` : row.name;
    try {
      await download(node, row.path, fileName, (received) => setMessage({ text: format(t.downloading, { name: fileName, size: sizeText(t, received) }), problem: false }));
      setMessage(null);
    } catch (error) {
      fail(t.failed.download, { name: fileName }, error);
    }
  };

  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = rows.findIndex((row) => row.path === selected);
    const row = rows[index];
    const move = (to: number) => focusRow(rows[Math.max(0, Math.min(rows.length - 1, to))]?.path);
    const handled: Record<string, () => void> = {
      ArrowDown: () => move(index + 1),
      ArrowUp: () => move(index - 1),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      ArrowRight: () => {
        if (row?.kind !== 'folder') return;
        if (!row.expanded) onToggle(row.path, true);
        else if (rows[index + 1]?.level === row.level + 1) move(index + 1);
      },
      ArrowLeft: () => {
        if (row?.kind === 'folder' && row.expanded) onToggle(row.path, false);
        else if (row && row.level > 1) focusRow(parentOf(row.path));
      },
      Enter: () => row && (row.kind === 'folder' ? onToggle(row.path) : onOpen(row.path, true)),
      ' ': () => row && (row.kind === 'folder' ? onToggle(row.path) : onOpen(row.path, false)),
      F2: () => row && ask({ kind: 'rename', path: row.path }),
      Delete: () => void remove(row),
    };
    const action = handled[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    action();
  };

  const dragOver = (event: DragEvent, folder: string) => {
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = 'copy';
    setDropFolder(folder);
  };
  const drop = (event: DragEvent, folder: string) => {
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.stopPropagation();
    setDropFolder(null);
    if (folder) onToggle(folder, true);
    void uploads.start(droppedOf(event.dataTransfer), folder);
  };

  const hintId = `workspace-${node}-tree-hint`;
  // The one row that takes the Tab key: the chosen one, or the first.
  const tabStop = current?.path ?? rows[0]?.path;

  return (
    <div className="flex min-h-0 flex-col" data-testid="file-tree-pane">
      <div role="group" aria-label={t.fileActions} className="flex shrink-0 items-center gap-0.5 border-b border-slate-200 px-1.5 py-1 dark:border-slate-800">
        <ToolButton label={t.newFile} title={format(t.newFileIn, { folder: folderName(targetFolder) })} onClick={() => ask({ kind: 'newFile', folder: targetFolder })}>
          {icons.newFile}
        </ToolButton>
        <ToolButton label={t.newFolder} title={format(t.newFolderIn, { folder: folderName(targetFolder) })} onClick={() => ask({ kind: 'newFolder', folder: targetFolder })}>
          {icons.newFolder}
        </ToolButton>
        <ToolButton label={t.upload} title={format(t.uploadTitle, { folder: folderName(targetFolder) })} onClick={() => fileInput.current?.click()}>
          {icons.upload}
        </ToolButton>
        <ToolButton label={t.rename} onClick={() => current && ask({ kind: 'rename', path: current.path })} disabled={!current}>
          {icons.rename}
        </ToolButton>
        <ToolButton label={t.delete} onClick={() => void remove(current)} disabled={!current}>
          {icons.delete}
        </ToolButton>
        <ToolButton
          label={t.download}
          title={current ? format(current.kind === 'folder' ? t.downloadFolderTitle : t.downloadTitle, { name: current.name }) : t.download}
          onClick={() => void save(current)}
          disabled={!current}
        >
          {icons.download}
        </ToolButton>
        <ToolButton label={t.refresh} title={t.refreshTitle} onClick={onChanged}>
          {icons.refresh}
        </ToolButton>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          aria-hidden="true"
          data-testid="upload-input"
          onChange={(event) => {
            const files = Array.from(event.currentTarget.files ?? [], (file) => ({ name: file.name, size: file.size, file }));
            event.currentTarget.value = '';
            void uploads.start(files, targetFolder);
          }}
        />
      </div>
      {asking && (
        <form onSubmit={(event) => void submit(event)} className="flex shrink-0 flex-wrap items-center gap-1.5 border-b border-slate-200 px-2 py-1.5 text-sm dark:border-slate-800">
          <label className="w-full text-xs text-slate-700 dark:text-slate-300" htmlFor={`workspace-${node}-name`}>
            {asking.kind === 'rename'
              ? format(t.renameLabel, { name: nameOf(asking.path) })
              : format(asking.kind === 'newFile' ? t.newFileIn : t.newFolderIn, { folder: folderName(asking.folder) })}
          </label>
          <input
            id={`workspace-${node}-name`}
            autoFocus
            value={name}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== 'Escape') return;
              event.preventDefault();
              setAsking(null);
              focusRow(tabStop);
            }}
            className="min-w-0 flex-1 rounded border border-slate-400 bg-white px-1.5 py-0.5 font-mono text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:focus-visible:outline-sky-400"
          />
          <button type="submit" className="rounded bg-sky-700 px-2 py-0.5 text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:bg-sky-400 dark:text-slate-950 dark:hover:bg-sky-300">
            {asking.kind === 'rename' ? t.confirmRename : t.create}
          </button>
          <button
            type="button"
            onClick={() => {
              setAsking(null);
              focusRow(tabStop);
            }}
            className="rounded px-2 py-0.5 text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-sky-600 dark:text-slate-300 dark:hover:bg-slate-800"
          >
            {t.cancel}
          </button>
        </form>
      )}
      {(message || problem) && (
        <p role={message?.problem || problem ? 'alert' : 'status'} className="shrink-0 bg-red-100 px-2 py-1 text-xs text-red-900 dark:bg-red-950 dark:text-red-100" data-testid="tree-message">
          {message?.text ?? problem}
        </p>
      )}
      <div
        className={`min-h-0 flex-1 overflow-auto py-1 ${dropFolder === '' ? 'bg-sky-100 outline-2 -outline-offset-2 outline-sky-600 outline-dashed dark:bg-sky-950' : ''}`}
        onDragOver={(event) => dragOver(event, '')}
        onDragLeave={(event) => !event.currentTarget.contains(event.relatedTarget as Node | null) && setDropFolder(null)}
        onDrop={(event) => drop(event, '')}
        data-testid="file-tree-drop"
      >
        {rows.length > 0 && (
        <div role="tree" aria-label={t.files} aria-describedby={hintId} onKeyDown={onKey} data-testid="file-tree">
          {rows.map((row) => {
            const unsaved = drafts.has(row.path);
            const folder = folderOfRow(row);
            return (
              <div
                key={row.path}
                id={rowId(node, row.path)}
                role="treeitem"
                aria-level={row.level}
                aria-posinset={row.position}
                aria-setsize={row.siblings}
                aria-expanded={row.expanded}
                aria-selected={row.path === selected}
                aria-current={row.path === openPath ? 'page' : undefined}
                tabIndex={row.path === tabStop ? 0 : -1}
                data-path={row.path}
                data-kind={row.kind}
                onClick={() => {
                  onSelect(row.path);
                  if (row.kind === 'folder') onToggle(row.path);
                  else onOpen(row.path, false);
                }}
                onDragOver={(event) => dragOver(event, folder)}
                onDrop={(event) => drop(event, folder)}
                style={{ paddingLeft: `${0.5 + (row.level - 1) * 0.9}rem` }}
                className={`flex cursor-pointer items-center gap-1.5 py-0.5 pr-2 text-sm select-none focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-600 dark:focus-visible:outline-sky-400 ${
                  row.path === selected ? 'bg-sky-100 text-slate-950 dark:bg-sky-900 dark:text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-800'
                } ${dropFolder !== null && dropFolder !== '' && folder === dropFolder && row.kind === 'folder' ? 'outline-2 -outline-offset-2 outline-sky-600 outline-dashed' : ''}`}
              >
                <svg {...icon} width={14} height={14} className="shrink-0 text-slate-600 dark:text-slate-400">
                  {row.kind === 'folder' ? (
                    row.expanded ? <path d="M3 7a1 1 0 0 1 1-1h5l2 2h8a1 1 0 0 1 1 1v1H6l-3 8z M6 10h15l-3 8H3" /> : <path d="M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z" />
                  ) : row.kind === 'link' ? (
                    <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
                  ) : (
                    <path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8zM14 3v5h5" />
                  )}
                </svg>
                <span className={`truncate ${row.path === openPath ? 'font-semibold' : ''}`}>{row.name}</span>
                {unsaved && (
                  <span className="ml-auto shrink-0 text-amber-700 dark:text-amber-300" title={t.unsaved}>
                    <span aria-hidden="true">●</span>
                    <span className="sr-only">{t.unsaved}</span>
                  </span>
                )}
              </div>
            );
          })}
        </div>
        )}
        {loaded && !rows.length && !problem && <p className="px-3 py-2 text-sm text-slate-600 dark:text-slate-400">{t.empty}</p>}
      </div>
      <UploadNotice t={t} state={uploads.state} onDismiss={uploads.dismiss} />
      <p id={hintId} className="shrink-0 border-t border-slate-200 px-2 py-1 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
        {t.treeHint}
      </p>
    </div>
  );
}
