import 'client-only';
import type { Rescue } from '../terminal-protocol';
import { sessionHeaders } from './session';

/**
 * Asks for more time before the sandbox's time limit. On success every terminal of the learner hears
 * the new deadline over its socket, so the caller only needs to know whether it worked.
 */
export async function extendSandbox(): Promise<boolean> {
  const response = await fetch('/api/sandbox/extend', { method: 'POST', credentials: 'same-origin', headers: sessionHeaders() }).catch(() => null);
  return response?.ok ?? false;
}

/** What a rescue did (lib/sandbox/watchdog.ts RescueResult). */
export type RescueResult = { stopped: number; from: 'shells' | 'container' | null } | { output: string };

/** Asks for the way out of a trouble the watchdog told of, on the node the tab shows; throws when it failed. */
export async function rescueSandbox(rescue: Rescue, node: number): Promise<RescueResult> {
  const response = await fetch('/api/sandbox/rescue', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...sessionHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify({ rescue, node }),
  });
  if (!response.ok) throw new Error(`rescue: HTTP ${response.status}`);
  return (await response.json()) as RescueResult;
}
