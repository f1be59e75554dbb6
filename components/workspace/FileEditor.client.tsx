'use client';

import { useEffect, useRef, useState } from 'react';
import { download, FileError, fileLimits, readFile, saveFile, type CurrentFile, type FileReason, type TreeEntry } from '@/lib/client/files';
import { format } from '@/lib/i18n/format';
import { dropDraft, readDraft, writeDraft } from './drafts';
import { createEditor, type EditorHandle } from './editor';
import { nameOf } from './tree-model';
import { reasonOf, reasonText, saveKeys, sizeText, type WorkspaceWords } from './words';

/** What the sandbox gave for the file. */
type Doc = { phase: 'loading' } | { phase: 'text' } | { phase: 'binary' | 'tooLarge'; size: number } | { phase: 'failed'; reason: FileReason };
/** Whether the editor's text is in the sandbox. */
type Save = { phase: 'clean' | 'dirty' | 'saving' | 'saved' } | { phase: 'failed'; reason: FileReason };
/** The sandbox's copy changed (or went) under unsaved changes: the learner chooses. */
type Conflict = { theirs: CurrentFile };

/** Edits are kept in the browser this soon after typing stops (and at once when the page goes). */
const draftDelayMs = 250;

export interface FileEditorProps {
  t: WorkspaceWords;
  node: number;
  path: string;
  /** The file in the latest listing: undefined when the listing cannot tell (not loaded, or outside home), null when it is not there. */
  entry: TreeEntry | null | undefined;
  fontSize: number;
  dark: boolean;
  /** Changes when the editor may have been asked to take the keyboard (Enter on a file in the tree). */
  focusSeq: number;
  /** Whether this file's editor should take the keyboard now; true once per request. */
  takeFocus: (path: string) => boolean;
  onSaved: () => void;
  /** Unsaved changes were kept or dropped: the tree's marks follow. */
  onDrafts: () => void;
  /** The learner let a deleted file go. */
  onGone: () => void;
}

const shown = (path: string) => (path.startsWith('/') ? path : `~/${path}`);

/** One file of the sandbox in CodeMirror: opened, edited, saved, its unsaved changes kept, its conflicts resolved. */
export function FileEditor({ t, node, path, entry, fontSize, dark, focusSeq, takeFocus, onSaved, onDrafts, onGone }: FileEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorHandle | null>(null);
  /** The sandbox's version the text started from (null: not in the sandbox) and that version's text. */
  const base = useRef<{ version: string | null; loaded: string }>({ version: null, loaded: '' });
  const initial = useRef('');
  const saving = useRef(false);
  const draftTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [doc, setDoc] = useState<Doc>({ phase: 'loading' });
  const [save, setSave] = useState<Save>({ phase: 'clean' });
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [restored, setRestored] = useState(false);
  const hintId = `workspace-${node}-editor-hint`;
  const callbacks = useRef({ onDrafts, onSaved });
  callbacks.current = { onDrafts, onSaved };

  const keepDraft = () => {
    clearTimeout(draftTimer.current);
    draftTimer.current = undefined;
    const text = editor.current?.text();
    if (text === undefined) return;
    const { version, loaded } = base.current;
    const unchanged = version !== null && text === loaded;
    if (unchanged) dropDraft(node, path);
    else writeDraft(node, path, { text, base: version });
    setSave((now) => (now.phase === 'saving' ? now : { phase: unchanged ? (now.phase === 'saved' ? 'saved' : 'clean') : 'dirty' }));
    callbacks.current.onDrafts();
  };
  const keepDraftRef = useRef(keepDraft);
  keepDraftRef.current = keepDraft;

  const saveNow = async (overBase?: string | null) => {
    const handle = editor.current;
    if (!handle || saving.current) return;
    const text = handle.text();
    saving.current = true;
    setSave({ phase: 'saving' });
    try {
      const { version } = await saveFile(node, path, text, overBase !== undefined ? overBase : base.current.version);
      base.current = { version, loaded: text };
      setConflict(null);
      setRestored(false);
      // Typing while the save was under way: that part is still unsaved.
      if (handle.text() === text) {
        dropDraft(node, path);
        setSave({ phase: 'saved' });
      } else {
        writeDraft(node, path, { text: handle.text(), base: version });
        setSave({ phase: 'dirty' });
      }
      callbacks.current.onDrafts();
      callbacks.current.onSaved();
    } catch (error) {
      const reason = reasonOf(error);
      if (reason === 'conflict' && error instanceof FileError) setConflict({ theirs: error.details.current ?? null });
      setSave({ phase: 'failed', reason });
    } finally {
      saving.current = false;
    }
  };
  const saveRef = useRef(saveNow);
  saveRef.current = saveNow;

  // Open: the sandbox's file, and unsaved changes this browser kept for it.
  useEffect(() => {
    let live = true;
    const restore = (text: string, conflicting: Conflict | null) => {
      initial.current = text;
      setRestored(true);
      setSave({ phase: 'dirty' });
      setConflict(conflicting);
      setDoc({ phase: 'text' });
    };
    readFile(node, path).then(
      (file) => {
        if (!live) return;
        base.current = { version: file.version, loaded: file.text };
        const draft = readDraft(node, path);
        if (draft && draft.text !== file.text) return restore(draft.text, draft.base === file.version ? null : { theirs: { version: file.version, text: file.text } });
        if (draft) dropDraft(node, path);
        initial.current = file.text;
        setDoc({ phase: 'text' });
      },
      (error: unknown) => {
        if (!live) return;
        const reason = reasonOf(error);
        if (reason === 'binary' || reason === 'tooLarge') return setDoc({ phase: reason, size: (error as FileError).details.size ?? entry?.size ?? 0 });
        const draft = reason === 'notFound' ? readDraft(node, path) : null;
        if (!draft) return setDoc({ phase: 'failed', reason });
        base.current = { version: null, loaded: '' };
        // Edits of a file that was in the sandbox, and is gone now.
        restore(draft.text, draft.base === null ? null : { theirs: null });
      },
    );
    return () => {
      live = false;
    };
    // The entry's size only serves a refusal that comes without one; it must not reopen the file.
  }, [node, path]);

  // CodeMirror, once there is text to show; the last edits are kept when it goes.
  useEffect(() => {
    if (doc.phase !== 'text' || !host.current) return;
    const handle = createEditor({
      parent: host.current,
      path,
      text: initial.current,
      dark,
      fontSize,
      t,
      hintId,
      onChange: () => {
        clearTimeout(draftTimer.current);
        draftTimer.current = setTimeout(() => keepDraftRef.current(), draftDelayMs);
      },
      onSave: () => void saveRef.current(),
    });
    editor.current = handle;
    if (takeFocus(path)) handle.focus();
    const flush = () => draftTimer.current !== undefined && keepDraftRef.current();
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
      handle.destroy();
      editor.current = null;
    };
  }, [doc.phase]);

  useEffect(() => editor.current?.setFontSize(fontSize), [fontSize]);
  useEffect(() => editor.current?.setDark(dark), [dark]);

  useEffect(() => {
    if (editor.current && takeFocus(path)) editor.current.focus();
  }, [focusSeq]);

  // The listing says the file changed or went: look, and take the new text if nothing here is unsaved.
  // The first listing is looked at too: the file may have been read while the editor was hidden.
  const stamp = entry === undefined ? null : entry ? `${entry.mtimeMs}:${entry.size}` : 'gone';
  const lastStamp = useRef<string | null>(null);
  useEffect(() => {
    if (doc.phase !== 'text' || stamp === null) return;
    const before = lastStamp.current;
    lastStamp.current = stamp;
    if (before === stamp || saving.current) return;
    let live = true;
    const unsaved = () => editor.current !== null && editor.current.text() !== base.current.loaded;
    readFile(node, path).then(
      (file) => {
        if (!live || saving.current || file.version === base.current.version) return;
        if (unsaved()) return setConflict({ theirs: { version: file.version, text: file.text } });
        base.current = { version: file.version, loaded: file.text };
        editor.current?.replace(file.text);
      },
      (error: unknown) => {
        if (!live || reasonOf(error) !== 'notFound' || base.current.version === null) return;
        if (unsaved()) setConflict({ theirs: null });
        else setDoc({ phase: 'failed', reason: 'notFound' });
      },
    );
    return () => {
      live = false;
    };
  }, [stamp, doc.phase, node, path]);

  const takeTheirs = (theirs: NonNullable<CurrentFile>) => {
    base.current = { version: theirs.version, loaded: theirs.text };
    editor.current?.replace(theirs.text);
    dropDraft(node, path);
    setConflict(null);
    setRestored(false);
    setSave({ phase: 'clean' });
    onDrafts();
  };

  const dropMine = () => {
    dropDraft(node, path);
    onDrafts();
    onGone();
  };

  const [downloadProblem, setDownloadProblem] = useState<string | null>(null);
  const saveCopy = () =>
    download(node, path, nameOf(path)).then(
      () => setDownloadProblem(null),
      (error: unknown) => setDownloadProblem(format(t.failed.download, { name: nameOf(path), reason: reasonText(t, error) })),
    );

  let status = '';
  if (save.phase === 'dirty') status = t.modified;
  if (save.phase === 'saving') status = t.saving;
  if (save.phase === 'saved') status = t.saved;
  if (save.phase === 'failed') status = format(t.notSaved, { reason: t.errors[save.reason] });

  const button = 'rounded px-2.5 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2';
  const primary = `${button} bg-sky-700 text-white hover:bg-sky-800 focus-visible:outline-sky-600 dark:bg-sky-400 dark:text-slate-950 dark:hover:bg-sky-300 dark:focus-visible:outline-sky-300`;
  const secondary = `${button} border border-current hover:bg-black/5 focus-visible:outline-current dark:hover:bg-white/10`;

  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col" data-testid="file-editor" data-path={path} data-state={doc.phase}>
      <div className="flex min-h-9 shrink-0 flex-wrap items-center gap-x-2 gap-y-1 border-b border-slate-200 px-2 py-1 dark:border-slate-800">
        <span className="min-w-0 truncate font-mono text-xs text-slate-700 dark:text-slate-300" title={shown(path)}>
          {shown(path)}
        </span>
        <span
          role="status"
          data-testid="save-status"
          data-state={save.phase}
          className={`ml-auto text-xs ${save.phase === 'failed' ? 'font-medium text-red-700 dark:text-red-300' : 'text-slate-700 dark:text-slate-300'}`}
        >
          {status}
        </span>
        {doc.phase === 'text' && (
          <button type="button" title={format(t.saveTitle, { keys: saveKeys() })} onClick={() => void saveNow()} className={primary} data-testid="save-file">
            {t.save}
          </button>
        )}
      </div>
      {restored && !conflict && (
        <p role="status" className="shrink-0 border-b border-slate-200 bg-sky-50 px-3 py-1.5 text-xs text-slate-800 dark:border-slate-800 dark:bg-sky-950 dark:text-sky-100" data-testid="draft-restored">
          {t.restored}
        </p>
      )}
      {conflict && (
        <div role="alert" data-testid="conflict" className="shrink-0 border-b border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50">
          <p className="font-semibold">{t.conflict.title}</p>
          <p className="mt-0.5">{conflict.theirs ? t.conflict.changed : t.conflict.deleted}</p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button type="button" className={primary} onClick={() => void saveNow(conflict.theirs?.version ?? null)}>
              {conflict.theirs ? t.conflict.keepMine : t.conflict.keepMineDeleted}
            </button>
            <button type="button" className={secondary} onClick={() => (conflict.theirs ? takeTheirs(conflict.theirs) : dropMine())}>
              {conflict.theirs ? t.conflict.takeTheirs : t.conflict.dropMine}
            </button>
          </div>
          {conflict.theirs && (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs font-medium focus-visible:outline-2 focus-visible:outline-current">{t.conflict.theirs}</summary>
              <pre data-testid="conflict-theirs" className="mt-1 max-h-40 overflow-auto rounded border border-amber-300 bg-white p-2 font-mono text-xs text-slate-900 dark:border-amber-800 dark:bg-slate-950 dark:text-slate-100">
                {conflict.theirs.text}
              </pre>
            </details>
          )}
        </div>
      )}
      {doc.phase === 'text' && <div ref={host} className="min-h-0 flex-1 overflow-hidden" data-testid="code-editor" />}
      {doc.phase === 'loading' && <p className="p-3 text-sm text-slate-700 dark:text-slate-300">{format(t.opening, { path: shown(path) })}</p>}
      {(doc.phase === 'binary' || doc.phase === 'tooLarge') && (
        <div className="flex flex-col items-start gap-2 p-3 text-sm" data-testid="not-opened">
          <p>{doc.phase === 'binary' ? format(t.binary, { size: sizeText(t, doc.size) }) : format(t.tooLarge, { size: sizeText(t, doc.size), max: sizeText(t, fileLimits.editorBytes) })}</p>
          <button type="button" className={primary} onClick={() => void saveCopy()}>
            {format(t.downloadFile, { name: nameOf(path) })}
          </button>
          {downloadProblem && <p role="alert">{downloadProblem}</p>}
        </div>
      )}
      {doc.phase === 'failed' && (
        <p role="alert" className="p-3 text-sm text-red-800 dark:text-red-200">
          {format(t.failed.open, { path: shown(path), reason: t.errors[doc.reason] })}
        </p>
      )}
      <p id={hintId} className="shrink-0 border-t border-slate-200 px-2 py-1 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
        {format(t.editorHint, { keys: saveKeys() })}
      </p>
    </div>
  );
}
