import type { EntryKind, TreeEntry } from '@/lib/client/files';

/** One line of the file tree as shown: the folders that are open show their children below them. */
export interface Row {
  path: string;
  name: string;
  kind: EntryKind;
  size: number;
  /** From 1 (in the home folder), as aria-level counts. */
  level: number;
  /** Folders only: whether its children show. */
  expanded?: boolean;
  /** Place among its siblings, from 1, and how many siblings, for aria-posinset and aria-setsize. */
  position: number;
  siblings: number;
}

/** '' is the home folder itself. */
export const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
export const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const joinPath = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);

/** A name the learner types for a new or renamed entry: one path component, no control characters. */
export function validName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !name.includes('/') && !/[\u0000-\u001f\u007f]/.test(name);
}

/** Folders first, then by name as people read it ("file2" before "file10"). */
const order = (a: TreeEntry, b: TreeEntry) =>
  Number(b.kind === 'folder') - Number(a.kind === 'folder') || nameOf(a.path).localeCompare(nameOf(b.path), undefined, { numeric: true });

/** Each folder's children; a folder the listing left out (it stops at 2000 entries) still holds its children. */
export function childrenByFolder(entries: TreeEntry[]): Map<string, TreeEntry[]> {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  for (const entry of entries) {
    for (let folder = parentOf(entry.path); folder && !byPath.has(folder); folder = parentOf(folder)) {
      byPath.set(folder, { path: folder, kind: 'folder', size: 0, mtimeMs: 0 });
    }
  }
  const children = new Map<string, TreeEntry[]>();
  for (const entry of byPath.values()) {
    const folder = parentOf(entry.path);
    children.set(folder, [...(children.get(folder) ?? []), entry]);
  }
  for (const list of children.values()) list.sort(order);
  return children;
}

export function visibleRows(entries: TreeEntry[], expanded: ReadonlySet<string>): Row[] {
  const children = childrenByFolder(entries);
  const rows: Row[] = [];
  const walk = (folder: string, level: number) => {
    const list = children.get(folder) ?? [];
    list.forEach((entry, index) => {
      const open = entry.kind === 'folder' ? expanded.has(entry.path) : undefined;
      rows.push({ path: entry.path, name: nameOf(entry.path), kind: entry.kind, size: entry.size, level, expanded: open, position: index + 1, siblings: list.length });
      if (open) walk(entry.path, level + 1);
    });
  };
  walk('', 1);
  return rows;
}

/** The folder a new entry or a dropped file goes into when this row is chosen: the folder itself, or a file's folder. */
export const folderOfRow = (row: Pick<Row, 'path' | 'kind'> | undefined) => (!row ? '' : row.kind === 'folder' ? row.path : parentOf(row.path));
