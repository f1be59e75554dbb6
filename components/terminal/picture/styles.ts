import type { Mark } from '@/lib/docker-state/changes';

const stateDots: Record<string, string> = {
  running: 'bg-emerald-500',
  restarting: 'bg-amber-500',
  paused: 'bg-amber-500',
  created: 'bg-sky-500',
  exited: 'bg-slate-400',
  dead: 'bg-red-500',
};

/** A container's state as a coloured dot, the same on its card and where it joins a network. */
export function stateDot(state: string): string {
  return stateDots[state] ?? 'bg-slate-400';
}

export function markClass(mark: Mark | undefined): string {
  return mark ? 'ring-2 ring-amber-400 dark:ring-amber-300 motion-safe:transition-shadow' : '';
}
