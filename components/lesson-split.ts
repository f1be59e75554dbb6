import 'client-only';
import { readSetting, writeSetting } from '@/lib/client/settings';

/** How much of a wide screen the lesson text takes beside the terminal, in percent. */
export const splitLimits = { min: 30, max: 75, initial: 58 } as const;
const splitKey = 'lesson-split';

export const clampSplit = (value: number) => Math.min(splitLimits.max, Math.max(splitLimits.min, value));

/** The split the learner chose last, if any. */
export function savedSplit(): number | null {
  const saved = Number(readSetting(splitKey));
  return saved ? clampSplit(saved) : null;
}

export const saveSplit = (value: number) => writeSetting(splitKey, String(value));

/** The CSS variable that carries the split, on the element marked `data-lesson-workspace`. */
export const splitVariable = '--split';
