import 'client-only';
import { readSetting } from '@/lib/client/settings';
import { firstTab, tabNamePattern, type SocketAddress } from '@/lib/terminal-protocol';

export const tabsKey = 'terminal-tabs';
export const maxTabs = 6;

export interface Tabs {
  ids: string[];
  active: string;
}

const isTabId = (id: unknown): id is string => typeof id === 'string' && tabNamePattern.test(id);

/** Tab ids outlive the page: each names a shell on the server that the learner gets back after a reload. */
export function loadTabs(): Tabs {
  try {
    const saved = JSON.parse(readSetting(tabsKey) ?? 'null') as Partial<Tabs> | null;
    const ids = [...new Set(Array.isArray(saved?.ids) ? saved.ids.filter(isTabId) : [])].slice(0, maxTabs);
    const first = ids[0];
    if (first) return { ids, active: ids.includes(saved?.active ?? '') ? saved!.active! : first };
  } catch {
    // Unreadable: start over with one shell.
  }
  return { ids: [firstTab], active: firstTab };
}

/** Random without crypto.randomUUID, which plain-http pages do not have. */
export const newTabId = () => Array.from(crypto.getRandomValues(new Uint8Array(6)), (byte) => byte.toString(36).padStart(2, '0')).join('');

/** The shell a terminal shows first: the learner's active tab, or in a lab node1's first tab (each node has its own). */
export const firstShown = (nodes: number): Omit<SocketAddress, 'size'> => ({ tab: nodes > 1 ? firstTab : loadTabs().active, nodes, node: 1 });
