import '#server-only';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import type { Engine } from '../sandbox/engine';
import { baseName, compareTreePaths, home, mayChange, resolvePath, shownPath } from './paths';
import { maxTextBytes, maxTreeDepth, maxTreeEntries, type Reason, type Tree, type TreeEntry } from './protocol';
import { createScript, deleteScript, downloadScript, exit, readScript, renameScript, treeScript, writeScript } from './scripts';

/**
 * The learner's files in their sandbox, read and written through the engine as the learner's own user.
 * The one place the course touches those files; the HTTP routes (routes.ts) and the lesson runner's
 * file blocks both use it.
 *
 *   const files = new SandboxFiles(engine);
 *   await files.write(containerId, 'app/Dockerfile', 'FROM debian\n');          // → { path, version }
 *   await files.write(containerId, 'compose.yaml', text, null);                 // only if it does not exist yet
 *   await files.read(containerId, 'app/Dockerfile');                            // → { path, version, size, text }
 *
 * Paths are relative to /home/learner or absolute under it or /tmp (paths.ts has the rules). Every
 * refusal is a `WorkspaceError` with a `reason` (protocol.ts lists them with their HTTP statuses) and an
 * English sentence. `version` is `versionOf(bytes)`: the file's content fingerprint.
 */
export class WorkspaceError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly extra: object = {},
  ) {
    super(message);
  }
}

/** A file's version: the first 16 hex digits of its SHA-256 (the sandbox's scripts compute the same). */
export const versionOf = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

const refusals: Record<number, { reason: Reason; message: string }> = {
  [exit.badPath]: { reason: 'badPath', message: 'that path cannot be used' },
  [exit.notFound]: { reason: 'notFound', message: 'there is no such file or folder' },
  [exit.exists]: { reason: 'exists', message: 'a file or folder of that name exists already' },
  [exit.readOnly]: { reason: 'readOnly', message: 'you may not change or read that file' },
  [exit.conflict]: { reason: 'conflict', message: 'the file changed since it was loaded' },
  [exit.incomplete]: { reason: 'failed', message: 'the file did not arrive whole; nothing was changed' },
  [exit.notAFolder]: { reason: 'badPath', message: 'a part of the path is a file, not a folder' },
  [exit.intoItself]: { reason: 'badPath', message: 'a folder cannot be moved into itself' },
  [exit.noSpace]: { reason: 'noSpace', message: 'no space left in the sandbox; nothing was changed' },
};

/** A script's exit as a refusal; the script's own sentence (stderr) wins for path refusals. */
function refusal(exitCode: number, stderr: string): WorkspaceError {
  const known = refusals[exitCode];
  if (known) return new WorkspaceError(known.reason, exitCode === exit.badPath && stderr ? stderr : known.message);
  return new WorkspaceError('failed', stderr.trim().slice(0, 300) || `the sandbox could not do it (exit code ${exitCode})`);
}

function checked(input: unknown, change = false): string {
  const resolved = resolvePath(input);
  if (!resolved.ok) throw new WorkspaceError('badPath', resolved.why);
  if (change) {
    const changeable = mayChange(resolved.path);
    if (!changeable.ok) throw new WorkspaceError('badPath', changeable.why);
  }
  return resolved.path;
}

/** The engine's answer for a container that is gone or stopped: the learner has no sandbox (any more). */
function engineFailure(error: unknown): never {
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409) throw new WorkspaceError('noSandbox', 'your sandbox is not running');
  throw error;
}

const sh = (script: string, ...args: string[]) => ['sh', '-c', script, 'sh', ...args];

export interface Download {
  /** The name to save it as (a folder's ends in .tar.gz). */
  name: string;
  kind: 'file' | 'folder';
  /** A file's size (a folder's archive is streamed as it is made). */
  size: number | null;
  stream: Readable;
  /** Settles when the stream has ended; refusals after the first byte can only cut the stream short. */
  finished: Promise<{ exitCode: number; stderr: string }>;
}

export class SandboxFiles {
  constructor(private readonly engine: Engine) {}

  /** The learner's home, sorted as a tree, without the hidden folders; at most `maxTreeEntries`. */
  async tree(containerId: string): Promise<Tree> {
    // Enough records to keep the shallowest entries of a crowded home, few enough to stay small.
    const { exitCode, stdout, stderr } = await this.bytes(containerId, sh(treeScript, String(maxTreeDepth), String(maxTreeEntries * 25)));
    if (exitCode !== 0 && !stdout.length) throw refusal(exitCode, stderr);
    const records = stdout.toString('utf8').split('\0').filter(Boolean);
    const parsed = records.flatMap((record) => {
      const match = /^(\d+) ([fdl]) (\d+) ([\d.]+) (.+)$/s.exec(record);
      if (!match) return [];
      const kind = ({ f: 'file', d: 'folder', l: 'link' } as const)[match[2] as 'f' | 'd' | 'l'];
      return [{ depth: Number(match[1]), entry: { path: match[5]!, kind, size: Number(match[3]), mtimeMs: Math.round(Number(match[4]) * 1000) } satisfies TreeEntry }];
    });
    const truncated = parsed.length > maxTreeEntries;
    const kept = truncated ? parsed.sort((a, b) => a.depth - b.depth).slice(0, maxTreeEntries) : parsed;
    const entries = kept.map(({ entry }) => entry).sort((a, b) => compareTreePaths(a.path, b.path));
    const version = versionOf(entries.map((e) => `${e.kind} ${e.size} ${e.mtimeMs} ${e.path}`).join('\0'));
    return truncated ? { version, entries, truncated } : { version, entries };
  }

  /** A text file for the editor: UTF-8 without NUL bytes, at most `maxTextBytes`. */
  async read(containerId: string, path: string): Promise<{ path: string; version: string; size: number; text: string }> {
    const absolute = checked(path);
    const { exitCode, stdout, stderr } = await this.bytes(containerId, sh(readScript, absolute, String(maxTextBytes)), maxTextBytes + 64);
    if (exitCode !== 0) throw refusal(exitCode, stderr);
    const newline = stdout.indexOf(10);
    const size = Number(stdout.subarray(0, newline).toString());
    const bytes = stdout.subarray(newline + 1);
    if (size > maxTextBytes || bytes.length > maxTextBytes) throw new WorkspaceError('tooLarge', `the file is larger than ${maxTextBytes} bytes`, { size: Math.max(size, bytes.length) });
    const text = decodeText(bytes);
    if (text === null) throw new WorkspaceError('binary', 'the file is not text', { size });
    return { path: shownPath(absolute), version: versionOf(bytes), size: bytes.length, text };
  }

  /**
   * Writes a file as the learner, bytes exact, its folders made as needed. `base`: the version the
   * writer last saw (a different current version is a `conflict`), `null` when the file must not exist
   * yet, omitted to overwrite whatever is there. On a conflict the error's `extra.current` is the file
   * as it is now (`{ version, text }`, `text` null when it is no text for the editor) or null when gone.
   */
  async write(containerId: string, path: string, content: Buffer | string, base?: string | null): Promise<{ path: string; version: string }> {
    const absolute = checked(path, true);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const baseArg = base === undefined ? '-' : base === null ? 'none' : base;
    if (!/^(-|none|[0-9a-f]{16})$/.test(baseArg)) throw new WorkspaceError('badRequest', 'base must be a version, null, or left out');
    const { exitCode, stdout, stderr } = await this.bytes(containerId, sh(writeScript, absolute, baseArg, String(bytes.length)), 64, bytes);
    if (exitCode === exit.conflict) throw await this.conflict(containerId, absolute, stdout.toString());
    if (exitCode !== 0) throw refusal(exitCode, stderr);
    return { path: shownPath(absolute), version: versionOf(bytes) };
  }

  /** Writes `size` bytes from a stream (an upload), overwriting; nothing changes unless all of them arrive. */
  async upload(containerId: string, path: string, body: Readable, size: number): Promise<{ path: string; version: string }> {
    const absolute = checked(path, true);
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    body.on('error', (error) => hashing.destroy(error));
    const { exitCode, stderr } = await this.bytes(containerId, sh(writeScript, absolute, '-', String(size)), 64, body.pipe(hashing), 300_000);
    if (exitCode !== 0) throw refusal(exitCode, stderr);
    return { path: shownPath(absolute), version: hash.digest('hex').slice(0, 16) };
  }

  async create(containerId: string, path: string, kind: 'file' | 'folder'): Promise<{ path: string }> {
    const absolute = checked(path, true);
    const { exitCode, stderr } = await this.bytes(containerId, sh(createScript, absolute, kind), 64);
    if (exitCode !== 0) throw refusal(exitCode, stderr);
    return { path: shownPath(absolute) };
  }

  async rename(containerId: string, from: string, to: string): Promise<{ path: string }> {
    const source = checked(from, true);
    const target = checked(to, true);
    const { exitCode, stderr } = await this.bytes(containerId, sh(renameScript, source, target), 64);
    if (exitCode !== 0) throw refusal(exitCode, stderr);
    return { path: shownPath(target) };
  }

  /** Deletes a file, a link, or a folder with everything in it. */
  async remove(containerId: string, path: string): Promise<void> {
    const absolute = checked(path, true);
    const { exitCode, stderr } = await this.bytes(containerId, sh(deleteScript, absolute), 64);
    if (exitCode !== 0) throw refusal(exitCode, stderr);
  }

  /** A file's bytes, or a folder as a .tar.gz, streamed from the sandbox as the reader takes them. */
  async download(containerId: string, path: string): Promise<Download> {
    const absolute = checked(path);
    const { stdout, finished } = await this.engine.exec(containerId, sh(downloadScript, absolute)).catch(engineFailure);
    const header = await readLine(stdout);
    if (header === null) {
      stdout.destroy();
      const { exitCode, stderr } = await finished;
      throw refusal(exitCode, stderr);
    }
    const name = absolute === home ? 'home' : baseName(absolute);
    const [kind, size] = header.split(' ');
    if (kind === 'folder') return { name: `${name}.tar.gz`, kind: 'folder', size: null, stream: stdout, finished };
    return { name, kind: 'file', size: Number(size), stream: stdout, finished };
  }

  private async conflict(containerId: string, absolute: string, version: string): Promise<WorkspaceError> {
    const message = 'the file changed since it was loaded';
    if (!version) return new WorkspaceError('conflict', message, { current: null });
    const current = await this.read(containerId, absolute).catch((error: unknown) => {
      if (error instanceof WorkspaceError && (error.reason === 'binary' || error.reason === 'tooLarge')) return { version, text: null };
      if (error instanceof WorkspaceError && error.reason === 'notFound') return null;
      throw error;
    });
    return new WorkspaceError('conflict', message, { current: current && { version: current.version, text: current.text } });
  }

  private bytes(containerId: string, cmd: string[], limit?: number, stdin?: Buffer | Readable, timeoutMs?: number) {
    return this.engine.execBytes(containerId, cmd, { limit, stdin, timeoutMs }).catch(engineFailure);
  }
}

/** UTF-8 text for the editor, or null for what an editor should not open: NUL bytes or invalid UTF-8. */
export function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The first line of a stream (at most 256 bytes), the rest left in it; null when it ends first. */
function readLine(stream: Readable): Promise<string | null> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const newline = seen.indexOf(10);
      if (newline < 0 && seen.length < 256) return;
      done();
      stream.pause();
      if (newline < 0) return resolve(null);
      if (newline + 1 < seen.length) stream.unshift(seen.subarray(newline + 1));
      resolve(seen.subarray(0, newline).toString());
    };
    const onEnd = () => {
      done();
      resolve(null);
    };
    const done = () => {
      stream.off('data', onData).off('end', onEnd).off('close', onEnd);
    };
    stream.on('data', onData).on('end', onEnd).on('close', onEnd);
  });
}
