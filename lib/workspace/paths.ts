/**
 * The path rules of the workspace, as pure functions: which paths a learner may name, and how they are
 * shown. The sandbox re-checks the real path (symlinks resolved) with the same rules before it acts
 * (see `sandboxChecks` in files.ts); these checks refuse what is wrong on its face without an exec.
 */

export const home = '/home/learner';
/** The folders the workspace reaches: the learner's home and /tmp, nothing else of the sandbox. */
export const roots = [home, '/tmp'] as const;

/**
 * Folders the sandbox's own machinery keeps: the rootless Docker daemon's data (its own tmpfs), the
 * Docker client's state (buildx, logins), a daemon configuration folder, and tmux's sockets (every
 * terminal tab's shell). Never listed, read, written, moved or deleted through the workspace.
 */
export const hiddenFolders = [`${home}/.local/share/docker`, `${home}/.docker`, `${home}/.config/docker`, '/tmp/tmux-1000'] as const;

const maxPathBytes = 4096;
const maxNameBytes = 255;
// C0 and C1 control characters and DEL: they hide in file names and break terminals and logs.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;

export type PathCheck = { ok: true; path: string } | { ok: false; why: string };

// TextEncoder rather than Buffer: these rules also run in the browser and at build time.
const byteLength = (text: string) => new TextEncoder().encode(text).length;

const isUnder = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** The hidden folder `path` is in, or null. */
export const hiddenFolderOf = (path: string) => hiddenFolders.find((folder) => isUnder(path, folder)) ?? null;

/**
 * The absolute path a learner's path names: relative to home, or absolute under home or /tmp. Refused:
 * anything not a string, control characters, `..`, paths outside home and /tmp, hidden folders, and
 * names too long for the file system. `.` and repeated slashes are harmless and dropped.
 */
export function resolvePath(input: unknown): PathCheck {
  if (typeof input !== 'string') return { ok: false, why: 'the path must be a string' };
  if (controlCharacters.test(input)) return { ok: false, why: 'the path contains control characters' };
  if (byteLength(input) > maxPathBytes) return { ok: false, why: `the path is longer than ${maxPathBytes} bytes` };
  const segments = input.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { ok: false, why: 'the path may not contain ..' };
  if (segments.some((segment) => byteLength(segment) > maxNameBytes)) return { ok: false, why: `a name in the path is longer than ${maxNameBytes} bytes` };
  const path = input.startsWith('/') ? `/${segments.join('/')}` : [home, ...segments].join('/');
  if (!roots.some((root) => isUnder(path, root))) return { ok: false, why: 'the path must be inside your home folder or /tmp' };
  if (hiddenFolderOf(path)) return { ok: false, why: 'that folder belongs to the Docker daemon or the terminal and cannot be used here' };
  return { ok: true, path };
}

/**
 * Whether a resolved path may be created, written, renamed or deleted: not home or /tmp themselves,
 * and not a folder that holds a hidden one (moving or deleting it would take the daemon's data along).
 */
export function mayChange(path: string): PathCheck {
  if ((roots as readonly string[]).includes(path)) return { ok: false, why: 'your home folder and /tmp themselves cannot be changed' };
  if (hiddenFolders.some((folder) => folder.startsWith(`${path}/`))) return { ok: false, why: 'that folder holds the Docker daemon’s data and cannot be changed here' };
  return { ok: true, path };
}

/** How answers name a path: relative to home inside it (home itself is ''), absolute elsewhere. */
export const shownPath = (path: string) => (path === home ? '' : path.startsWith(`${home}/`) ? path.slice(home.length + 1) : path);

/** The last name of a path (a download's file name). */
export const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1) || 'home';

/** Entries sorted as a tree shows them: by folder, each folder's entries by name, right after the folder. */
export function compareTreePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}
