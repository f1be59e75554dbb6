'use client';

import { useEffect, useRef, useState } from 'react';
import { fileLimits, FileError, uploadFile, type FileReason } from '@/lib/client/files';
import { format } from '@/lib/i18n/format';
import { joinPath } from './tree-model';
import { refusalOf, type DropRefusal, type Dropped } from './uploads';
import { reasonOf, sizeText, type WorkspaceWords } from './words';

/** Where an upload stands; what the learner reads is made from it by UploadNotice. */
export type UploadState =
  | { phase: 'idle' }
  | { phase: 'refused'; refusal: DropRefusal }
  | { phase: 'uploading'; name: string; index: number; count: number; sent: number; size: number; shown: boolean }
  | { phase: 'done'; count: number; folder: string }
  | { phase: 'failed'; name: string; reason: FileReason };

/** Progress shows for uploads that take more than a moment; quicker ones just say they are done. */
const progressAfterMs = 400;
/** A flood of small files may meet the server's rate limit: each waits and tries again a few times. */
const retries = { times: 3, waitMs: 1000 };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Files dropped onto the tree or the terminal go up one request each, one after the other. */
export function useUploads(node: number, onUploaded: () => void) {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const busy = useRef(false);
  const uploaded = useRef(onUploaded);
  uploaded.current = onUploaded;

  useEffect(() => {
    if (state.phase !== 'done') return;
    const timer = setTimeout(() => setState({ phase: 'idle' }), 8000);
    return () => clearTimeout(timer);
  }, [state]);

  const start = async (dropped: Dropped[], folder: string) => {
    if (busy.current || !dropped.length) return;
    const refusal = refusalOf(dropped);
    if (refusal) return setState({ phase: 'refused', refusal });
    busy.current = true;
    const startedAt = Date.now();
    const reveal = setTimeout(() => setState((now) => (now.phase === 'uploading' ? { ...now, shown: true } : now)), progressAfterMs);
    try {
      for (const [index, item] of dropped.entries()) {
        const base = { phase: 'uploading' as const, name: item.name, index: index + 1, count: dropped.length, size: item.size };
        setState({ ...base, sent: 0, shown: Date.now() - startedAt > progressAfterMs });
        for (let attempt = 0; ; attempt++) {
          try {
            await uploadFile(node, joinPath(folder, item.name), item.file!, (sent) => setState((now) => (now.phase === 'uploading' ? { ...now, sent } : now)));
            break;
          } catch (error) {
            if (!(error instanceof FileError && error.reason === 'tooMany' && attempt < retries.times)) throw Object.assign(error as object, { fileName: item.name });
            await wait(retries.waitMs);
          }
        }
      }
      setState({ phase: 'done', count: dropped.length, folder });
    } catch (error) {
      setState({ phase: 'failed', name: (error as { fileName?: string }).fileName ?? '', reason: reasonOf(error) });
    } finally {
      clearTimeout(reveal);
      busy.current = false;
      uploaded.current();
    }
  };

  return { state, start, dismiss: () => setState({ phase: 'idle' }) };
}

function refusalText(t: WorkspaceWords, refusal: DropRefusal): string {
  switch (refusal.problem) {
    case 'folder':
      return format(t.uploads.folder, { name: refusal.name });
    case 'tooBig':
      return format(t.uploads.tooBig, { name: refusal.name, size: sizeText(t, refusal.size), max: sizeText(t, fileLimits.uploadBytes) });
    case 'tooMuch':
      return format(t.uploads.tooMuch, { size: sizeText(t, refusal.size), max: sizeText(t, fileLimits.dropBytes) });
  }
}

const colours: Record<string, string> = {
  'site-problem': 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
  'site-news': 'text-slate-700 dark:text-slate-300',
  // Below the terminal, which is dark in both themes.
  'dark-problem': 'bg-red-950 text-red-100',
  'dark-news': 'text-slate-300',
};

/** The line that tells how an upload goes; it speaks to screen readers as it changes. */
export function UploadNotice({ t, state, onDismiss, alwaysDark = false }: { t: WorkspaceWords; state: UploadState; onDismiss: () => void; alwaysDark?: boolean }) {
  let text = '';
  let problem = false;
  let percent: number | null = null;
  if (state.phase === 'refused') [text, problem] = [refusalText(t, state.refusal), true];
  if (state.phase === 'failed') [text, problem] = [format(t.uploads.failed, { name: state.name, reason: t.errors[state.reason] }), true];
  if (state.phase === 'done') text = format(t.uploads.done, { count: state.count, folder: state.folder || t.home });
  if (state.phase === 'uploading' && state.shown) {
    percent = state.size ? Math.min(100, Math.round((state.sent / state.size) * 100)) : 100;
    text = format(t.uploads.progress, { name: state.name, n: state.index, count: state.count, percent });
  }
  return (
    <div
      role={problem ? 'alert' : 'status'}
      data-testid="upload-status"
      data-phase={state.phase}
      className={`flex shrink-0 items-center gap-2 px-3 text-xs ${text ? 'py-1.5' : ''} ${colours[`${alwaysDark ? 'dark' : 'site'}-${problem ? 'problem' : 'news'}`]}`}
    >
      {text && <span className="min-w-0 flex-1">{text}</span>}
      {percent !== null && <progress className="h-1.5 w-24 shrink-0" max={100} value={percent} aria-hidden="true" />}
      {problem && (
        <button type="button" onClick={onDismiss} className="shrink-0 rounded px-1.5 py-0.5 underline hover:no-underline focus-visible:outline-2 focus-visible:outline-current">
          {t.uploads.dismiss}
        </button>
      )}
    </div>
  );
}
