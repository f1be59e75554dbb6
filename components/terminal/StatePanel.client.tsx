'use client';

import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { StateUpdate, DockerState } from '@/lib/docker-state';
import type { PictureWords } from '@/lib/docker-state/words';
import { format } from '@/lib/i18n/format';
import { readSetting, writeSetting } from '@/lib/client/settings';

// The drawing loads only when the panel is first opened.
const DockerPicture = lazy(() => import('./DockerPicture.client').then((module) => ({ default: module.DockerPicture })));

const openKey = 'docker-state-open';
/** A single command settles within this; only a longer wait is worth saying "catching up". */
const catchingUpDelayMs = 700;

export interface DockerStateFeed {
  open: boolean;
  toggle: () => void;
  state: DockerState | null;
  catchingUp: boolean;
  onState: (update: StateUpdate) => void;
  /** Forgets the picture: the tab now shows another node. */
  clear: () => void;
}

/** The state panel's wiring: open or collapsed (remembered), and the latest picture from the tab's socket. */
export function useDockerState(): DockerStateFeed {
  // Collapsed until the learner opens it: open, it takes rows from the terminal and gathers cost the
  // sandbox's CPU. Their choice is remembered across lessons.
  const [open, setOpen] = useState(() => readSetting(openKey) === '1');
  const [state, setState] = useState<DockerState | null>(null);
  const [catchingUp, setCatchingUp] = useState(true);
  useEffect(() => writeSetting(openKey, open ? '1' : '0'), [open]);
  const onState = useCallback((update: StateUpdate) => {
    if (update.state) setState(update.state);
    setCatchingUp(update.catchingUp);
  }, []);
  const clear = useCallback(() => {
    setState(null);
    setCatchingUp(true);
  }, []);
  return { open, toggle: () => setOpen((on) => !on), state, catchingUp, onState, clear };
}

function useDelayed(value: boolean, delayMs: number): boolean {
  const [delayed, setDelayed] = useState(false);
  useEffect(() => {
    if (!value) return setDelayed(false);
    const timer = setTimeout(() => setDelayed(true), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return delayed;
}

/** Beside the terminal: a collapsible picture of the Docker objects of the node the tab shows. */
export function StatePanel({ t, feed }: { t: PictureWords; feed: DockerStateFeed }) {
  const { open, toggle, state, catchingUp } = feed;
  const slow = useDelayed(catchingUp, catchingUpDelayMs);
  const busy = open && (!state || slow);
  const counts = state && {
    containers: state.containers.length + state.more.containers,
    images: state.images.length + state.more.images,
    networks: state.networks.length + state.more.networks,
    volumes: state.volumes.length + state.more.volumes,
  };

  return (
    <section
      aria-label={t.title}
      data-testid="docker-state"
      data-open={open}
      data-catching-up={busy}
      className={`flex shrink-0 flex-col border-t border-slate-300 bg-white text-slate-800 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-200 ${open ? 'h-[45%] min-h-40' : ''}`}
    >
      <div className="flex h-8 shrink-0 items-center gap-2 px-2 text-xs">
        <button
          type="button"
          aria-expanded={open}
          aria-controls="docker-state-picture"
          title={open ? t.hide : t.show}
          data-testid="docker-state-toggle"
          onClick={toggle}
          className="flex items-center gap-1.5 rounded px-1.5 py-1 font-semibold hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:hover:bg-slate-800"
        >
          <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" className={open ? 'rotate-90' : ''}>
            <path d="M3 1l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.5" />
          </svg>
          {t.title}
        </button>
        {open && counts && <span className="truncate text-slate-500 dark:text-slate-400">{format(t.counts, counts)}</span>}
        {busy && (
          <span role="status" data-testid="docker-state-catching-up" className="ml-auto flex shrink-0 items-center gap-1.5 text-amber-700 dark:text-amber-300">
            <span aria-hidden="true" className="h-2 w-2 animate-pulse rounded-full bg-amber-500" />
            {state ? t.catchingUp : t.looking}
          </span>
        )}
      </div>
      {open && (
        <div id="docker-state-picture" className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
          {state && (
            <Suspense fallback={null}>
              <DockerPicture state={state} t={t} />
            </Suspense>
          )}
        </div>
      )}
    </section>
  );
}
