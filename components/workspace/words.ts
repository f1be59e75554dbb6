import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import { FileError, type FileReason } from '@/lib/client/files';

export type WorkspaceWords = Messages['workspace'];

/** Sizes in binary units, as the limits are set: 512 bytes, 3.4 KiB, 10 MiB. */
export function sizeText(t: WorkspaceWords, bytes: number): string {
  const one = (value: number) => Number(value.toFixed(value < 10 ? 1 : 0));
  if (bytes < 1024) return format(t.sizes.bytes, { n: bytes });
  if (bytes < 1024 * 1024) return format(t.sizes.kib, { n: one(bytes / 1024) });
  return format(t.sizes.mib, { n: one(bytes / (1024 * 1024)) });
}

export const reasonOf = (error: unknown): FileReason => (error instanceof FileError ? error.reason : 'failed');

/** Why the sandbox refused, as the end of a sentence in the learner's language. */
export const reasonText = (t: WorkspaceWords, error: unknown) => t.errors[reasonOf(error)];

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const saveKeys = () => (isMac() ? '⌘S' : 'Ctrl+S');
