/**
 * The workspace file API's wire constants, shared by the server (lib/workspace) and the browser: the
 * limits, the refusal reasons with their HTTP statuses, and the shape of the tree. No server code here.
 */

/** The largest file the editor opens or saves as text. */
export const maxTextBytes = 1024 * 1024;
/** The largest upload request (one file). */
export const maxUploadBytes = 10 * 1024 * 1024;
/** The largest drop of files the browser sends at once (it checks the sum; the server caps each request). */
export const maxDropBytes = 50 * 1024 * 1024;
/** The tree lists at most this many entries, at most this many folders deep. */
export const maxTreeEntries = 2000;
export const maxTreeDepth = 6;

/** Why a request was refused (`{ error, reason }`); the browser says `workspace.errors.<reason>`. */
export const reasonStatus = {
  badRequest: 400,
  badPath: 400,
  readOnly: 403,
  notFound: 404,
  noSandbox: 409,
  exists: 409,
  conflict: 409,
  notEmpty: 409,
  tooLarge: 413,
  binary: 415,
  tooMany: 429,
  failed: 500,
  noSpace: 507,
} as const;
export type Reason = keyof typeof reasonStatus;

export type EntryKind = 'file' | 'folder' | 'link';
export interface TreeEntry {
  /** Relative to the learner's home. */
  path: string;
  kind: EntryKind;
  size: number;
  mtimeMs: number;
}
export interface Tree {
  /** A short fingerprint of the listing: `?since=<version>` answers 204 while it holds. */
  version: string;
  entries: TreeEntry[];
  /** True when the home held more than `maxTreeEntries` entries (the shallowest are listed). */
  truncated?: boolean;
}
