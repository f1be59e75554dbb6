import 'client-only';
import { readSetting } from '@/lib/client/settings';

/** The terminal's and the editor's font: one a learner's machine has, Korean included, with no download. */
export const monospaceFamily = "ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', 'Noto Sans Mono CJK KR', monospace";

export const fontSizeKey = 'terminal-font-size';
export const fontSizes = { min: 10, max: 24, initial: 14 } as const;

/** The learner's terminal font size, remembered across lessons. */
export function loadFontSize(): number {
  const saved = Number(readSetting(fontSizeKey));
  return saved >= fontSizes.min && saved <= fontSizes.max ? saved : fontSizes.initial;
}
