import { readSetting, writeSetting } from '@/lib/client/settings';

/**
 * Unsaved changes, kept in the browser (localStorage) so that a reload, a closed tab or a lost connection
 * loses nothing. A draft remembers the version of the sandbox's file it started from: when the file is
 * another version by the time the draft comes back, the learner chooses which to keep.
 */
export interface Draft {
  text: string;
  /** The version the edits started from; null for a file that did not exist in the sandbox. */
  base: string | null;
  savedAt: number;
}

const prefix = 'workspace-draft:';
/** Older drafts belong to sandboxes long gone. */
const keepMs = 7 * 24 * 60 * 60 * 1000;

const draftKey = (node: number, path: string) => `${prefix}${node}:${path}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function readDraft(node: number, path: string): Draft | null {
  try {
    const draft = JSON.parse(readSetting(draftKey(node, path)) ?? 'null') as Draft | null;
    if (!draft || typeof draft.text !== 'string' || !(typeof draft.base === 'string' || draft.base === null)) return null;
    return Date.now() - draft.savedAt < keepMs ? draft : null;
  } catch {
    return null;
  }
}

/** False when the browser refused to keep it (no storage in this iframe, or it is full). */
export function writeDraft(node: number, path: string, draft: Omit<Draft, 'savedAt'>): boolean {
  writeSetting(draftKey(node, path), JSON.stringify({ ...draft, savedAt: Date.now() }));
  return readSetting(draftKey(node, path)) !== null;
}

export function dropDraft(node: number, path: string): void {
  try {
    storage()?.removeItem(draftKey(node, path));
  } catch {
    // Nothing kept, nothing to drop.
  }
}

/** The paths of a node that have unsaved changes, for the marks in the file tree. */
export function draftPaths(node: number): Set<string> {
  const store = storage();
  const paths = new Set<string>();
  if (!store) return paths;
  const own = `${prefix}${node}:`;
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(own)) paths.add(key.slice(own.length));
  }
  return paths;
}

const openKey = (node: number) => `workspace-open:${node}`;
/** The file the editor showed on a node, opened again after a reload. */
export const rememberedFile = (node: number) => readSetting(openKey(node)) || null;
export const rememberFile = (node: number, path: string | null) => writeSetting(openKey(node), path ?? '');

/** A renamed file or folder takes the unsaved changes of what it holds along. */
export function moveDrafts(node: number, from: string, to: string): void {
  for (const path of draftPaths(node)) {
    if (path !== from && !path.startsWith(`${from}/`)) continue;
    const draft = readDraft(node, path);
    dropDraft(node, path);
    if (draft) writeDraft(node, to + path.slice(from.length), { text: draft.text, base: draft.base });
  }
}

/** A deleted file or folder takes its unsaved changes with it: the learner confirmed the deletion. */
export function dropDraftsUnder(node: number, path: string): void {
  for (const draft of draftPaths(node)) if (draft === path || draft.startsWith(`${path}/`)) dropDraft(node, draft);
}
