import 'client-only';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DockerState, ObjectKey } from '@/lib/docker-state';
import { ChangeTracker, describeChange, marksOf, type Mark, type News } from '@/lib/docker-state/changes';
import type { PictureWords } from '@/lib/docker-state/words';

/** How long what the last command changed stays highlighted. */
const highlightMs = 5000;
/** Pictures this soon after the first of a burst are one command's doing (created, then started). */
const burstMs = 800;

const noMarks: ReadonlyMap<ObjectKey, Mark> = new Map();

/** What every object button needs: its mark, whether it is selected, and how to select it. */
export interface Selection {
  marks: ReadonlyMap<ObjectKey, Mark>;
  selected: ObjectKey | null;
  toggle: (key: ObjectKey) => void;
}

/** What the last command changed: marked for a few seconds, and said in a sentence that stays. */
function useNews(state: DockerState) {
  const tracker = useRef<ChangeTracker | null>(null);
  const fadeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [news, setNews] = useState<News | null>(null);
  const [marked, setMarked] = useState(false);
  useEffect(() => {
    tracker.current ??= new ChangeTracker(burstMs);
    const latest = tracker.current.see(state, Date.now());
    if (!latest) return;
    setNews(latest);
    setMarked(true);
    clearTimeout(fadeTimer.current);
    fadeTimer.current = setTimeout(() => setMarked(false), highlightMs);
  }, [state]);
  useEffect(() => () => clearTimeout(fadeTimer.current), []);
  return { news, marked };
}

/** The picture's own state: what the last command changed, and which object's details are open. */
export function usePicture(state: DockerState, t: PictureWords) {
  const { news, marked } = useNews(state);
  const [selected, setSelected] = useState<ObjectKey | null>(null);
  const marks = useMemo(() => (news && marked ? marksOf(news.change) : noMarks), [news, marked]);
  // Said in the words of the moment, so switching language retells it.
  const sentence = useMemo(() => (news ? describeChange(news, t) : ''), [news, t]);
  const selection: Selection = { marks, selected, toggle: (key) => setSelected((current) => (current === key ? null : key)) };
  return { sentence, selection, closeDetails: () => setSelected(null) };
}
