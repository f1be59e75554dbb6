import { useState } from 'react';
import { rescueSandbox, type RescueResult } from '@/lib/client/sandbox';
import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import type { Rescue, Trouble, TroubleKind } from '@/lib/terminal-protocol';

type Words = Messages['terminal']['troubles'];

/**
 * The troubles a tab knows of, by kind: each until the learner dismisses it, or until the watchdog says
 * it is over before anything was done about it. `round` counts how often it began, so a trouble that comes
 * back is a new notice.
 */
export type Troubles = Partial<Record<TroubleKind, { trouble: Trouble; round: number }>>;

export function withTrouble(troubles: Troubles, trouble: Trouble): Troubles {
  const known = troubles[trouble.kind];
  const round = (known?.round ?? 0) + (trouble.active && !known?.trouble.active ? 1 : 0);
  return { ...troubles, [trouble.kind]: { trouble, round } };
}

export function withoutTrouble(troubles: Troubles, kind: TroubleKind): Troubles {
  const { [kind]: _, ...rest } = troubles;
  return rest;
}

/** The first active trouble's title, for the status line. */
export function troubleTitle(t: Words, troubles: Troubles): string | null {
  const active = Object.values(troubles).find((known) => known?.trouble.active);
  return active ? t[active.trouble.kind].title : null;
}

/** Limits are set in binary units (COURSE_SANDBOX_MEMORY=1g is 1 GiB), so they are told in them. */
function binarySize(bytes: number): string {
  const [value, unit] = bytes >= 2 ** 30 ? [bytes / 2 ** 30, 'GiB'] : bytes >= 2 ** 20 ? [bytes / 2 ** 20, 'MiB'] : [bytes / 2 ** 10, 'KiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

const rescueOf: Partial<Record<TroubleKind, Rescue>> = { processes: 'stopRunaway', disk: 'prune', daemon: 'restartDaemon' };
const actionText = (t: Words, rescue: Rescue) => ({ stopRunaway: t.processes.action, prune: t.disk.action, restartDaemon: t.daemon.action })[rescue];

/** Where a rescue stands: asking the learner to confirm (prune), under way, done with a sentence, or failed. */
type RescueState = { phase: 'idle' } | { phase: 'confirming' } | { phase: 'working' } | { phase: 'done'; text: string } | { phase: 'failed' };

const button =
  'rounded-md px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50';
const primary = `${button} bg-slate-950 text-white hover:bg-slate-800 focus-visible:outline-slate-950`;
const secondary = `${button} border border-slate-950/40 text-slate-950 hover:bg-black/10 focus-visible:outline-slate-950`;

/** What a finished rescue says, in the learner's language. */
function doneText(t: Words, kind: TroubleKind, result: RescueResult): string {
  if ('stopped' in result) {
    if (!result.stopped) return t.processes.nothing;
    return format(result.from === 'container' ? t.processes.doneContainer : t.processes.doneShells, { n: result.stopped });
  }
  return kind === 'daemon' ? t.daemon.done : result.output;
}

function TroubleBody({ t, trouble }: { t: Words; trouble: Trouble }) {
  switch (trouble.kind) {
    case 'processes':
      return <p>{format(t.processes.body, { limit: trouble.limit })}</p>;
    case 'memory':
      return <p>{format(t.memory.body, { size: binarySize(trouble.limitBytes) })}</p>;
    case 'daemon':
      return <p>{t.daemon.body}</p>;
    case 'moved':
      return <p>{t.moved.body}</p>;
    case 'disk':
      return (
        <>
          <p>{format(t.disk.body, { areas: trouble.full.map((area) => t.disk.areas[area]).join(t.disk.and) })}</p>
          {trouble.usage && (trouble.usage.docker.length > 0 || trouble.usage.folders.length > 0) && (
            <>
              <p className="mt-1 font-medium">{t.disk.usage}</p>
              <ul className="list-inside list-disc font-mono text-xs">
                {trouble.usage.docker.map((row) => (
                  <li key={row.type}>{format(t.disk.dockerRow, row)}</li>
                ))}
                {trouble.usage.folders.map((folder) => (
                  <li key={folder.path}>{format(t.disk.folderRow, { path: folder.path, size: binarySize(folder.kib * 1024) })}</li>
                ))}
              </ul>
            </>
          )}
        </>
      );
  }
}

/**
 * One trouble the watchdog found, said plainly, with its way out: stop the runaway processes, free
 * Docker's space (after the learner confirms), or start the daemon again. An instructor's view shows it
 * without the buttons.
 */
function TroubleCard({ t, trouble, node, readOnly, onDismiss }: { t: Words; trouble: Trouble; node: number; readOnly: boolean; onDismiss: () => void }) {
  const [state, setState] = useState<RescueState>({ phase: 'idle' });
  const rescue = rescueOf[trouble.kind];
  // Over by itself, with nothing done about it: nothing left to say.
  if (!trouble.active && (state.phase === 'idle' || state.phase === 'confirming')) return null;

  const run = async () => {
    if (!rescue) return;
    setState({ phase: 'working' });
    try {
      setState({ phase: 'done', text: doneText(t, trouble.kind, await rescueSandbox(rescue, node)) });
    } catch {
      setState({ phase: 'failed' });
    }
  };

  return (
    <section role="alert" aria-label={t[trouble.kind].title} data-testid={`trouble-${trouble.kind}`} className="shrink-0 space-y-1.5 bg-amber-300 px-3 py-2 text-sm text-amber-950">
      <h3 className="font-semibold">{t[trouble.kind].title}</h3>
      <TroubleBody t={t} trouble={trouble} />
      {state.phase === 'confirming' && <p>{t.disk.confirm}</p>}
      {state.phase === 'done' && state.text && <p role="status">{state.text}</p>}
      {state.phase === 'failed' && <p role="status">{t.failed}</p>}
      <div className="flex flex-wrap gap-2 pt-0.5">
        {rescue && !readOnly && state.phase !== 'done' && state.phase !== 'confirming' && (
          <button type="button" className={primary} disabled={state.phase === 'working'} onClick={() => (rescue === 'prune' ? setState({ phase: 'confirming' }) : void run())}>
            {state.phase === 'working' ? t.working : actionText(t, rescue)}
          </button>
        )}
        {state.phase === 'confirming' && (
          <>
            <button type="button" className={primary} onClick={() => void run()}>
              {t.disk.confirmAction}
            </button>
            <button type="button" className={secondary} onClick={() => setState({ phase: 'idle' })}>
              {t.disk.cancel}
            </button>
          </>
        )}
        {(!rescue || state.phase === 'done') && (
          <button type="button" className={secondary} onClick={onDismiss}>
            {t.dismiss}
          </button>
        )}
      </div>
    </section>
  );
}

/** The troubles of a tab's node that are active, or done and not yet dismissed. */
export function TroubleNotices({ t, troubles, node, readOnly, onDismiss }: { t: Words; troubles: Troubles; node: number; readOnly: boolean; onDismiss: (kind: TroubleKind) => void }) {
  const shown = Object.values(troubles).filter((known) => known !== undefined);
  if (!shown.length) return null;
  return (
    <div aria-label={t.label} role="group" className="shrink-0">
      {shown.map(({ trouble, round }) => (
        <TroubleCard key={`${trouble.kind}-${round}`} t={t} trouble={trouble} node={node} readOnly={readOnly} onDismiss={() => onDismiss(trouble.kind)} />
      ))}
    </div>
  );
}
