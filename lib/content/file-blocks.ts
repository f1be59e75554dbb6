import { home as learnerHome, resolvePath } from '../workspace/paths';

/**
 * Lesson blocks that create a file in the learner's sandbox, written as ```dockerfile file=Dockerfile
 * (in a lab, ```yaml file=compose.yaml node=2). Shared by the content build, which validates them, the
 * page's button and the lesson runner, so all three agree on the path and on the bytes written.
 */

/** A file block as the lesson runner replays it: the file, its node (from 1), and where in the text it stands. */
export interface FileBlock {
  path: string;
  node: number;
  text: string;
  /** The step it belongs to: the index of the first <Check> after it (checks.length when none follows). */
  step: number;
  /** How many of that step's `sh` blocks come before it, so the runner keeps the order of the text. */
  after: number;
}

export type FileMeta = { path: string; node?: number } | { error: string };

/** Reads the meta words of a fence ("file=app/app.py node=2"); null when it is no file block. */
export function parseFileMeta(meta: string | null | undefined): FileMeta | null {
  const words = (meta ?? '').trim().split(/\s+/).filter(Boolean);
  const file = words.filter((w) => w.startsWith('file='));
  if (!file.length) return null;
  if (file.length > 1) return { error: 'names file= twice' };
  const result: { path: string; node?: number } = { path: '' };
  for (const word of words) {
    if (word.startsWith('file=')) {
      const problem = pathProblem(word.slice('file='.length));
      if (problem) return { error: `file=${JSON.stringify(word.slice(5))} ${problem}` };
      result.path = normalPath(word.slice('file='.length));
    } else if (/^node=\d+$/.test(word)) {
      result.node = Number(word.slice('node='.length));
      if (result.node < 1) return { error: `${word}: nodes count from 1` };
    } else {
      return { error: `unknown word "${word}" (a file block takes file=PATH and, in a lab, node=N)` };
    }
  }
  return result;
}

/** Why a path may not be written by a lesson, or null when it may. */
export function pathProblem(path: string): string | null {
  if (!path) return 'is empty';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.startsWith('~')) return 'starts with ~ (paths are already relative to the home folder)';
  const absolute = path.startsWith('/');
  if (absolute && !path.startsWith(`${learnerHome}/`) && !path.startsWith('/tmp/'))
    return `is outside the learner's home (give a path relative to ${learnerHome}, or one under /tmp)`;
  const segments = path.split('/').slice(absolute ? 1 : 0);
  if (segments.some((s) => s === '..')) return 'goes up with ..';
  if (segments.some((s) => s === '' || s === '.')) return 'has an empty or "." part';
  // The workspace's own rules too (the Docker daemon's folders, over-long names), so the button never meets a refusal.
  const resolved = resolvePath(path);
  return resolved.ok ? null : resolved.why;
}

/** Paths inside home are kept relative to it, as the workspace API answers them. */
const normalPath = (path: string) => (path.startsWith(`${learnerHome}/`) ? path.slice(learnerHome.length + 1) : path);

/** The file's bytes from the block's code: the code as shown, ending with one newline like any text file. */
export const fileBlockText = (code: string) => code.replace(/\n*$/, '\n');

/** What the sandbox holds at a file block's path: nothing, a text file, or a file with no text to compare (binary, too large). */
export type FileFound = { kind: 'missing' } | { kind: 'text'; text: string; version: string } | { kind: 'unreadable' };

/**
 * The one rule for creating a file block's file, followed by the page's button and the lesson runner:
 * nothing to write when the file already has the text; a new file must still not exist when written
 * (`base: null`); a different file is replaced only after the learner agrees, and only if it is still
 * the version they were asked about (`base` omitted when it has no text to compare).
 */
export function planFileWrite(found: FileFound, text: string): { write: false } | { write: true; ask: boolean; base?: string | null } {
  if (found.kind === 'missing') return { write: true, ask: false, base: null };
  if (found.kind === 'text' && found.text === text) return { write: false };
  return found.kind === 'text' ? { write: true, ask: true, base: found.version } : { write: true, ask: true };
}
