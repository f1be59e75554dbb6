import 'client-only';
/**
 * The browser's side of the workspace file API (/api/files/…): the files of the learner's sandbox, read
 * and written by the server through the sandbox. Every call names the lab node (1 for a single sandbox)
 * and carries the learner's session like the other client modules (the cookie, or the Bearer token in
 * an embedded lesson). A refusal comes back as a FileError whose reason is one of the server's codes,
 * so the page can say it in the learner's language (workspace.errors.<reason>).
 */
import { maxDropBytes, maxTextBytes, maxUploadBytes, reasonStatus, type Reason, type Tree } from '../workspace/protocol';
import { sessionHeaders } from './session';

export type { EntryKind, Tree, TreeEntry } from '../workspace/protocol';

const fileReasons = Object.keys(reasonStatus) as Reason[];
/** The server's reasons, and `network` when the server could not be reached at all. */
export type FileReason = Reason | 'network';

export const fileLimits = {
  /** The largest file the editor opens as text. */
  editorBytes: maxTextBytes,
  /** The largest file one upload request carries. */
  uploadBytes: maxUploadBytes,
  /** The most one drop of several files may carry in all. */
  dropBytes: maxDropBytes,
  /** How often the open editor asks whether the files changed (only while it is in view). */
  treePollMs: 3000,
};

export interface TextFile {
  path: string;
  version: string;
  size: number;
  text: string;
}

/** What a save found in the sandbox instead of the version it was based on; null: the file is gone. */
export type CurrentFile = { version: string; text: string } | null;

export class FileError extends Error {
  constructor(
    readonly reason: FileReason,
    readonly status: number,
    /** The rest of the server's answer: `size` of a binary file, `current` of a conflict. */
    readonly details: { size?: number; current?: CurrentFile } = {},
  ) {
    super(`files: ${reason} (HTTP ${status})`);
  }
}

const byStatus: Record<number, FileReason> = { 400: 'badPath', 401: 'noSandbox', 403: 'readOnly', 404: 'notFound', 409: 'conflict', 413: 'tooLarge', 415: 'binary', 429: 'tooMany', 507: 'noSpace' };

function errorOf(status: number, body: unknown): FileError {
  const answer = (body && typeof body === 'object' ? body : {}) as { reason?: unknown; size?: unknown; current?: unknown };
  const reason = fileReasons.find((known) => known === answer.reason) ?? byStatus[status] ?? 'failed';
  const details: FileError['details'] = {};
  if (typeof answer.size === 'number') details.size = answer.size;
  if (answer.current === null || (answer.current && typeof answer.current === 'object')) details.current = answer.current as CurrentFile;
  return new FileError(reason, status, details);
}

const query = (values: Record<string, string | number>) => new URLSearchParams(Object.entries(values).map(([key, value]) => [key, String(value)])).toString();

async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<Response> {
  const headers: Record<string, string> = { ...sessionHeaders() };
  if (body) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, credentials: 'same-origin', cache: 'no-store', headers, body: body ? JSON.stringify(body) : undefined }).catch(() => null);
  if (!response) throw new FileError('network', 0);
  if (!response.ok) throw errorOf(response.status, await response.json().catch(() => null));
  return response;
}

const json = async <T>(response: Response) => (await response.json()) as T;

/** The learner's home folder; null when nothing changed since `since` (the version of the last listing). */
export async function readTree(node: number, since?: string): Promise<Tree | null> {
  const response = await call('GET', `/api/files/tree?${query(since ? { node, since } : { node })}`);
  return response.status === 204 ? null : json<Tree>(response);
}

export async function readFile(node: number, path: string): Promise<TextFile> {
  return json<TextFile>(await call('GET', `/api/files/file?${query({ node, path })}`));
}

/**
 * Writes a file. `base` is the version the editor loaded (null: the file must not exist yet); when the
 * sandbox's copy is another version, this throws a `conflict` FileError carrying the current one.
 * Without `base` the file is overwritten whatever it holds.
 */
export async function saveFile(node: number, path: string, text: string, base?: string | null): Promise<{ version: string }> {
  return json<{ version: string }>(await call('POST', '/api/files/file', base === undefined ? { node, path, text } : { node, path, text, base }));
}

export async function createEntry(node: number, path: string, kind: 'file' | 'folder'): Promise<void> {
  await call('POST', '/api/files/create', { node, path, kind });
}

export async function renameEntry(node: number, from: string, to: string): Promise<void> {
  await call('POST', '/api/files/rename', { node, from, to });
}

/** Deletes a file, or a folder with everything in it. */
export async function deleteEntry(node: number, path: string): Promise<void> {
  await call('POST', '/api/files/delete', { node, path });
}

/**
 * Sends one file's bytes, with upload progress (which fetch cannot report), hence XMLHttpRequest.
 * `onProgress` hears the bytes sent so far.
 */
export function uploadFile(node: number, path: string, file: Blob, onProgress?: (sent: number) => void): Promise<{ path: string; version: string }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/files/upload?${query({ node, path })}`);
    for (const [name, value] of Object.entries(sessionHeaders())) request.setRequestHeader(name, value);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.responseType = 'text';
    if (onProgress) request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onerror = () => reject(new FileError('network', 0));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Not JSON: the status alone tells.
      }
      if (request.status >= 200 && request.status < 300 && body) resolve(body as { path: string; version: string });
      else reject(errorOf(request.status, body));
    };
    request.send(file);
  });
}

/** The address of a file's bytes, or of a folder as a .tar.gz. */
export const downloadUrl = (node: number, path: string) => `/api/files/download?${query({ node, path })}`;

/**
 * Saves a file or folder of the sandbox to the learner's computer. With the cookie a plain download link
 * does it, and the browser shows its own progress; an embedded lesson has a token instead, which a link
 * cannot carry, so the bytes come through fetch (reporting what arrived) and are handed over as a blob.
 */
export async function download(node: number, path: string, name: string, onProgress?: (received: number) => void): Promise<void> {
  const save = (href: string) => {
    const link = document.createElement('a');
    link.href = href;
    link.download = name;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
  };
  if (!sessionHeaders().authorization) return save(downloadUrl(node, path));
  const response = await call('GET', downloadUrl(node, path));
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (let part = await reader?.read(); part && !part.done; part = await reader!.read()) {
    chunks.push(part.value);
    received += part.value.length;
    onProgress?.(received);
  }
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type }));
  save(url);
  // The browser has taken the blob once the click's task ran.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
