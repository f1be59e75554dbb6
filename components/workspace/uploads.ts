import { fileLimits } from '@/lib/client/files';

/** One thing dropped: a file, or a folder (which cannot be uploaded). */
export interface Dropped {
  name: string;
  size: number;
  file: File | null;
}

/** What a drop carried, read while the drop event lasts (the browser empties the DataTransfer after it). */
export function droppedOf(data: DataTransfer): Dropped[] {
  const items = Array.from(data.items ?? []).filter((item) => item.kind === 'file');
  if (!items.length) return Array.from(data.files ?? [], (file) => ({ name: file.name, size: file.size, file }));
  return items.map((item) => {
    const entry = item.webkitGetAsEntry?.() ?? null;
    const file = item.getAsFile();
    return { name: file?.name ?? entry?.name ?? '', size: file?.size ?? 0, file: entry?.isDirectory ? null : file };
  });
}

export const hasFiles = (data: DataTransfer | null) => !!data && Array.from(data.types ?? []).includes('Files');

export type DropRefusal = { problem: 'folder'; name: string } | { problem: 'tooBig'; name: string; size: number } | { problem: 'tooMuch'; size: number };

/** Checked before anything is sent: a drop is uploaded whole or not at all. */
export function refusalOf(dropped: Dropped[]): DropRefusal | null {
  const folder = dropped.find((item) => !item.file);
  if (folder) return { problem: 'folder', name: folder.name };
  const big = dropped.find((item) => item.size > fileLimits.uploadBytes);
  if (big) return { problem: 'tooBig', name: big.name, size: big.size };
  const size = dropped.reduce((total, item) => total + item.size, 0);
  return size > fileLimits.dropBytes ? { problem: 'tooMuch', size } : null;
}
