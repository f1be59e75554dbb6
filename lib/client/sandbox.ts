import 'client-only';
import { sessionHeaders } from './session';

/**
 * Asks for more time before the sandbox's time limit. On success every terminal of the learner hears
 * the new deadline over its socket, so the caller only needs to know whether it worked.
 */
export async function extendSandbox(): Promise<boolean> {
  const response = await fetch('/api/sandbox/extend', { method: 'POST', credentials: 'same-origin', headers: sessionHeaders() }).catch(() => null);
  return response?.ok ?? false;
}
