import { diffStates, findObject, objectName, parseObjectKey, type Change, type DockerState, type ObjectKey } from './index';
import { format } from '../i18n/format';
import type { PictureWords } from './words';

/** How an object the last command touched is marked. */
export type Mark = 'added' | 'changed';

/** What the last command changed, and the pictures it was told from. */
export interface News {
  before: DockerState;
  after: DockerState;
  change: Change;
}

/** A sentence names at most this many objects in each list and counts the rest. */
const namedPerList = 6;

export function isEmptyChange(change: Change): boolean {
  return !change.added.length && !change.changed.length && !change.removed.length;
}

/** Removed objects are no longer drawn, so only added and changed ones carry a mark. */
export function marksOf(change: Change): Map<ObjectKey, Mark> {
  return new Map([...change.added.map((key) => [key, 'added'] as const), ...change.changed.map((key) => [key, 'changed'] as const)]);
}

/** The name a learner knows an object by, from the first picture that holds it (a removed one is only in the older). */
export function displayName(key: ObjectKey, states: DockerState[]): string {
  const { kind, id } = parseObjectKey(key);
  for (const state of states) {
    const object = findObject(state, kind, id);
    if (object) return objectName(kind, object);
  }
  return id;
}

function listed(label: string, keys: ObjectKey[], { before, after }: News, t: PictureWords): string {
  if (!keys.length) return '';
  const named = keys.slice(0, namedPerList).map((key) => `${t.kind[parseObjectKey(key).kind]} ${displayName(key, [after, before])}`);
  const unnamed = keys.length - named.length;
  return `${label}: ${[...named, ...(unnamed > 0 ? [format(t.more, { n: unnamed })] : [])].join(', ')}`;
}

/** One sentence for screen readers (and everyone): what the last change did. */
export function describeChange(news: News, t: PictureWords): string {
  const { added, changed, removed } = news.change;
  const parts = [listed(t.added, added, news, t), listed(t.changed, changed, news, t), listed(t.removed, removed, news, t)];
  return parts.filter(Boolean).join('. ') || t.noChange;
}

/**
 * Tells, picture by picture, what there is to say. One command can bring several pictures (a
 * container created, then started), so pictures that come within `burstMs` of the first of a burst
 * are compared with the one before that first.
 */
export class ChangeTracker {
  private previous: DockerState | null = null;
  private burst: { before: DockerState; startedAt: number } | null = null;

  constructor(private readonly burstMs: number) {}

  /** The news a new picture brings, or null when there is nothing to tell. */
  see(state: DockerState, now: number): News | null {
    const before = this.previous;
    this.previous = state;
    if (!before) return null;
    if (!this.burst || now - this.burst.startedAt >= this.burstMs) this.burst = { before, startedAt: now };
    const change = diffStates(this.burst.before, state);
    // Only a status text aged (the server sends it with other news): nothing to tell. Within a burst
    // even no change is news: what the command did was undone.
    if (this.burst.before === before && isEmptyChange(change)) return null;
    return { before: this.burst.before, after: state, change };
  }
}
