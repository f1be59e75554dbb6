import 'client-only';
/**
 * The learner's progress as the page sees it: asked of the server once per page load, then kept in
 * step as checks pass. Pages are static; these marks are added in the browser.
 */
import { ensureSession, sessionHeaders } from './session';
import type { Progress } from '../store';

let progress: Progress = { passed: {}, last: null };
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

function load() {
  loading ??= ensureSession()
    .then(() => fetch('/api/progress', { credentials: 'same-origin', headers: sessionHeaders() }))
    .then((response) => (response.ok ? (response.json() as Promise<Progress>) : null))
    .then((loaded) => {
      if (!loaded) return;
      progress = loaded;
      notify();
    })
    .catch(() => {
      loading = null;
    });
}

export const progressStore = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    load();
    return () => {
      listeners.delete(listener);
    };
  },
  get: (): Progress => progress,
  empty: (): Progress => ({ passed: {}, last: null }),
  /** The server has saved it already; this shows it without asking again. */
  markPassed(lesson: string, check: string) {
    const done = progress.passed[lesson] ?? [];
    if (done.includes(check)) return;
    progress = { passed: { ...progress.passed, [lesson]: [...done, check] }, last: lesson };
    notify();
  },
};
