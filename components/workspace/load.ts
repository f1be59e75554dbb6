import 'client-only';
/**
 * The editor's code (the file tree, CodeMirror and its languages) is its own chunk, fetched when the
 * learner first opens the editor, or earlier in idle time once the terminal's shell is up, so that the
 * editor opens at once later. It never weighs on the lesson page or on the first prompt.
 */
let loading: Promise<typeof import('./Workspace.client')> | null = null;

export function loadWorkspace() {
  loading ??= import('./Workspace.client').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * The terminal marks this when its shell's first output is drawn (components/terminal/connection.ts).
 * The prompt may come in the next chunks, and idle time comes between them: the editor's code waits a
 * moment more, since loading it any sooner holds up the prompt.
 */
const shellDrawn = 'course:shell-drawn';
const afterDrawnMs = 2000;
const idle = (run: () => void): (() => void) => {
  if ('requestIdleCallback' in window) {
    const id = requestIdleCallback(run, { timeout: 10_000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(run, 2000);
  return () => clearTimeout(id);
};

/** Fetches the editor's code in idle time after the prompt, then tells `loaded`; returns how to call that off. */
export function loadWhenIdle(loaded: () => void): () => void {
  let cancel = () => {};
  let live = true;
  const later = () => {
    const timer = setTimeout(() => (cancel = idle(load)), afterDrawnMs);
    cancel = () => clearTimeout(timer);
  };
  const load = () =>
    void loadWorkspace()
      .then((module) => {
        if (live) loaded();
        return module.preloadLanguages();
      })
      .catch(() => {});
  if (performance.getEntriesByName(shellDrawn).length) {
    later();
    return () => {
      live = false;
      cancel();
    };
  }
  const observer = new PerformanceObserver((list) => {
    if (!list.getEntriesByName(shellDrawn).length) return;
    observer.disconnect();
    later();
  });
  observer.observe({ type: 'mark', buffered: true });
  return () => {
    live = false;
    observer.disconnect();
    cancel();
  };
}
