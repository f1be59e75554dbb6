'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { fileBlockText, planFileWrite, type FileFound } from '@/lib/content/file-blocks';
import { format } from '@/lib/i18n/format';
import { FileError, readFile, saveFile, type FileReason } from '@/lib/client/files';
import { openInEditor } from '@/lib/client/workspace-events';

export interface FileBlockLabels {
  create: string;
  open: string;
  createTitle: string;
  openTitle: string;
  working: string;
  created: string;
  unchanged: string;
  replaced: string;
  kept: string;
  confirmTitle: string;
  confirmBody: string;
  replace: string;
  keep: string;
  noSandbox: string;
  changedMeanwhile: string;
  failed: string;
}

type State =
  | { phase: 'idle' | 'working' }
  | { phase: 'confirm'; base: string | undefined }
  | { phase: 'said'; message: string; tone: 'ok' | 'problem' };

/** The block's own text, read from the page like the Copy and Run buttons do, so it is what the learner sees. */
const blockText = (element: Element | null) => fileBlockText(element?.closest('[data-code-block]')?.querySelector('pre')?.textContent ?? '');

/** The reason of a refusal from the file API; anything else is rethrown. */
const reasonOf = (error: unknown): FileReason => {
  if (error instanceof FileError) return error.reason;
  throw error;
};

/** What the sandbox holds at the path, or why it would not say. */
async function look(node: number, path: string): Promise<FileFound | { kind: 'refused'; reason: FileReason }> {
  try {
    return { kind: 'text', ...(await readFile(node, path)) };
  } catch (error) {
    const reason = reasonOf(error);
    if (reason === 'notFound') return { kind: 'missing' };
    // A binary or too large file is there, but has no text to compare.
    if (reason === 'binary' || reason === 'tooLarge') return { kind: 'unreadable' };
    return { kind: 'refused', reason };
  }
}

/** Writes as the contract says: base null = "must not exist yet", a version = "must still be this", none = overwrite. */
const write = (node: number, path: string, text: string, base: string | null | undefined): Promise<FileReason | null> =>
  saveFile(node, path, text, base).then(() => null, reasonOf);

/**
 * "Create this file" on a lesson's file block: writes the block into the learner's sandbox (asking
 * before it replaces a different file) and opens it in the editor. It reads "Open in editor" when the
 * sandbox already holds exactly this text.
 */
export function FileBlockButton({ path, node = 1, labels, errors }: { path: string; node?: number; labels: FileBlockLabels; errors: Record<FileReason, string> }) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [same, setSame] = useState(false);
  const name = path.split('/').pop() ?? path;
  const say = (template: string, tone: 'ok' | 'problem' = 'ok', values: Record<string, string> = {}) =>
    setState({ phase: 'said', message: format(template, { path, name, ...values }), tone });
  const sayRefused = (reason: FileReason) => {
    if (reason === 'noSandbox') return say(labels.noSandbox, 'problem');
    say(labels.failed, 'problem', { reason: errors[reason] });
  };

  // Whether the sandbox already has this text, looked up when the block comes into view (once) and again
  // when the learner points at or focuses it, so the label is right without polling the sandbox.
  const lastLook = useRef(0);
  const refresh = () => {
    if (Date.now() - lastLook.current < 2000) return;
    lastLook.current = Date.now();
    const text = blockText(button.current);
    look(node, path)
      .then((found) => setSame(found.kind === 'text' && found.text === text))
      .catch(() => {});
  };
  useEffect(() => {
    const block = button.current?.closest('[data-code-block]');
    if (!block || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      refresh();
    });
    observer.observe(block);
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function finish(reason: FileReason | null, done: string) {
    if (reason === 'conflict' || reason === 'exists') return say(labels.changedMeanwhile, 'problem');
    if (reason) return sayRefused(reason);
    setSame(true);
    say(done);
    openInEditor(path, node);
  }

  async function create() {
    const text = blockText(button.current);
    setState({ phase: 'working' });
    try {
      const found = await look(node, path);
      if (found.kind === 'refused') return sayRefused(found.reason);
      const plan = planFileWrite(found, text);
      if (!plan.write) return finish(null, labels.unchanged);
      if (!plan.ask) return finish(await write(node, path, text, plan.base), labels.created);
      setSame(false);
      setState({ phase: 'confirm', base: plan.base ?? undefined });
      dialog.current?.showModal();
      // The safe answer takes the focus: Enter keeps the learner's file.
      keep.current?.focus();
    } catch {
      sayRefused('failed');
    }
  }

  async function answer(replace: boolean) {
    if (state.phase !== 'confirm') return;
    dialog.current?.close();
    button.current?.focus();
    if (!replace) return say(labels.kept);
    setState({ phase: 'working' });
    try {
      await finish(await write(node, path, blockText(button.current), state.base), labels.replaced);
    } catch {
      sayRefused('failed');
    }
  }

  return (
    <div className="flex items-center gap-2" onPointerEnter={refresh} onFocus={refresh}>
      <span role="status" data-testid="file-block-status" className={`text-xs ${state.phase === 'said' && state.tone === 'problem' ? 'text-amber-800 dark:text-amber-300' : 'text-slate-700 dark:text-slate-300'}`}>
        {state.phase === 'said' ? state.message : state.phase === 'working' ? labels.working : ''}
      </span>
      <button
        ref={button}
        type="button"
        data-testid="file-block-create"
        data-same={same ? '1' : undefined}
        title={same ? labels.openTitle : labels.createTitle}
        disabled={state.phase === 'working'}
        onClick={create}
        className="rounded border border-sky-700 bg-sky-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60 dark:border-sky-400 dark:bg-sky-400 dark:text-slate-950 dark:hover:bg-sky-300"
      >
        {same ? labels.open : labels.create}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        data-testid="file-block-confirm"
        onCancel={(event) => {
          event.preventDefault();
          void answer(false);
        }}
        className="m-auto max-w-md rounded-lg border border-slate-300 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {format(labels.confirmTitle, { name, path })}
        </h2>
        <p id={`${id}-body`} className="mt-2 text-sm text-slate-700 dark:text-slate-300">
          {format(labels.confirmBody, { name, path })}
        </p>
        <div className="mt-4 flex justify-end gap-2">
          <button
            ref={keep}
            type="button"
            onClick={() => answer(false)}
            className="rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:border-slate-500 dark:hover:bg-slate-800"
          >
            {labels.keep}
          </button>
          <button
            type="button"
            onClick={() => answer(true)}
            className="rounded-md bg-amber-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
          >
            {labels.replace}
          </button>
        </div>
      </dialog>
    </div>
  );
}
