import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import type { Status } from '@/lib/terminal-protocol';

type TerminalWords = Messages['terminal'];

/** "45 s", "2 min 5 s": a wait the learner sees counting down, rounded up to the second. */
export function durationText(t: TerminalWords, ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds < 60 ? format(t.duration.seconds, { seconds }) : format(t.duration.minutes, { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
}

/** Where a learner waiting for a sandbox stands: who comes first, about how long, and whether a failed start is being replaced. */
export function queuedText(t: TerminalWords, wait: Extract<Status, { state: 'queued' }>): string {
  const words = t.queued;
  if (wait.engineAway) return words.engineAway;
  const ahead = format(words.ahead, { ahead: wait.ahead });
  if (wait.full) return format(words.full, { ahead });
  const retrying = wait.retrying ? words.retrying : '';
  const eta = wait.etaMs === null ? '' : format(words.eta, { time: durationText(t, wait.etaMs) });
  return format(wait.ahead ? words.waiting : words.first, { retrying, ahead, eta });
}

/** What the warning before the end says; a time-limit warning says whether more time can still be added. */
export function warningText(t: TerminalWords, warning: Extract<Status, { state: 'warning' }>, now: number): string {
  const time = durationText(t, warning.endsAt - now);
  if (warning.reason === 'idle') return format(t.warnIdle, { time });
  return format(warning.extendMs > 0 ? t.warnTtl : t.warnTtlFinal, { time });
}

/** "Add 30 minutes": an extension in whole minutes, rounded up. */
export const extendText = (t: TerminalWords, extendMs: number): string => format(t.extend, { minutes: Math.ceil(extendMs / 60_000) });
