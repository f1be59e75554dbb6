/** Looks shared by the class pages' forms and buttons. */
export const fieldClass = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900';
export const primaryButton = 'rounded-lg bg-sky-700 px-4 py-2 font-semibold text-white hover:bg-sky-800 disabled:opacity-50';
export const smallButton = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

/** A POST to the course's API with a JSON body; the answer's JSON, or its error in words. */
export async function postJson<T = unknown>(path: string, body?: object, headers: Record<string, string> = {}): Promise<{ ok: true; value: T } | { ok: false; status: number; error: string; reason?: string }> {
  const response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body ?? {}) });
  const value = (await response.json().catch(() => ({}))) as T & { error?: string; reason?: string };
  return response.ok ? { ok: true, value } : { ok: false, status: response.status, error: value.error ?? `HTTP ${response.status}`, reason: value.reason };
}
