import type { ReactNode } from 'react';
import { objectKey, type Kind } from '@/lib/docker-state';
import { markClass } from './styles';
import type { Selection } from './usePicture';

/** What browser tests and the page's own scripts find each kind of object by. */
const testIds: Record<Kind, string> = {
  images: 'image',
  containers: 'container',
  networks: 'network',
  volumes: 'volume',
  nodes: 'node',
  services: 'service',
  tasks: 'task',
};

/** An object the learner can click for its key facts. */
export function ObjectButton({ kind, id, name, selection, className = '', children }: { kind: Kind; id: string; name: string; selection: Selection; className?: string; children: ReactNode }) {
  const key = objectKey(kind, id);
  const mark = selection.marks.get(key);
  const selected = selection.selected === key;
  return (
    <button
      type="button"
      data-testid={testIds[kind]}
      data-name={name}
      data-mark={mark}
      aria-pressed={selected}
      onClick={() => selection.toggle(key)}
      className={`rounded border text-left focus-visible:outline-2 focus-visible:outline-sky-500 ${selected ? 'border-sky-500 bg-sky-50 dark:bg-sky-950' : 'border-slate-300 bg-slate-50 hover:border-slate-400 dark:border-slate-700 dark:bg-slate-900 dark:hover:border-slate-500'} ${markClass(mark)} ${className}`}
    >
      {children}
    </button>
  );
}
