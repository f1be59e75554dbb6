'use client';

import { useEffect, useState, type ComponentType } from 'react';
import type { Dashboard, LearnerRow } from '@/lib/classes/dashboard';
import type { Locale } from '@/lib/i18n';
import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import type { TerminalViewProps } from '../terminal/TerminalView.client';
import { fieldClass, postJson, smallButton } from './ui';
import { maxLabNodes } from '@/lib/terminal-protocol';

type Live = 'loading' | 'live' | 'reconnecting' | 'bad';

/** The instructor's live view of the class: who is where, who is stuck, what fails; and their controls. */
export function ClassDashboard({ locale, t, terminal }: { locale: Locale; t: Messages['classes']; terminal: Messages['terminal'] }) {
  const [token, setToken] = useState('');
  const [board, setBoard] = useState<Dashboard | null>(null);
  const [live, setLive] = useState<Live>('loading');
  const [watching, setWatching] = useState<LearnerRow | null>(null);
  const [origin, setOrigin] = useState('');

  useEffect(() => {
    const secret = decodeURIComponent(location.hash.slice(1));
    setToken(secret);
    setOrigin(location.origin);
    if (!secret) return setLive('bad');
    const source = new EventSource(`/api/teach/${encodeURIComponent(secret)}/events`);
    source.onmessage = (event: MessageEvent<string>) => {
      setBoard(JSON.parse(event.data) as Dashboard);
      setLive('live');
    };
    // A refused link closes the stream for good; a lost connection is retried by the browser.
    source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? 'bad' : 'reconnecting');
    return () => source.close();
  }, []);

  if (live === 'bad' && !board)
    return (
      <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        {t.badLink}
      </p>
    );
  if (!board) return <p className="text-slate-500 dark:text-slate-400">…</p>;

  const act = (action: 'pin' | 'reset' | 'end', body?: object) => postJson(`/api/teach/${encodeURIComponent(token)}/${action}`, body);
  const lessonTitle = (key: string) => board.lessons.find((l) => l.lesson === key)?.title ?? key;
  const joinUrl = `${origin}/join/${board.class.code}`;
  const { ended } = board.class;

  return (
    <div data-testid="dashboard">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <p className="text-sm font-semibold text-sky-700 dark:text-sky-400">{t.dashboard}</p>
          <h1 className="text-3xl font-bold tracking-tight">{board.class.title}</h1>
        </div>
        <span role="status" className="flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400">
          <span aria-hidden="true" className={`h-2 w-2 rounded-full ${live === 'live' ? 'bg-emerald-500' : 'bg-amber-500'}`} />
          {live === 'live' ? t.live : t.reconnecting}
        </span>
      </div>
      <p className="mt-2 text-sm text-amber-800 dark:text-amber-300">{t.keepLink}</p>

      {ended ? (
        <p role="status" className="mt-6 rounded-lg bg-slate-100 p-4 dark:bg-slate-900" data-testid="class-ended">
          {t.ended}
        </p>
      ) : (
        <section className="mt-6 grid gap-4 rounded-xl border border-slate-200 p-5 md:grid-cols-[auto_1fr_auto] md:items-center dark:border-slate-800">
          <div>
            <p className="text-xs text-slate-500 dark:text-slate-400 uppercase">{t.code}</p>
            <p className="font-mono text-4xl font-bold tracking-[0.2em]" data-testid="join-code">
              {board.class.code}
            </p>
          </div>
          <div className="text-sm">
            <p>
              {t.joinWith}{' '}
              <a href={joinUrl} className="font-medium break-all text-sky-700 hover:underline dark:text-sky-400" data-testid="join-link">
                {joinUrl}
              </a>{' '}
              <button type="button" className={smallButton} onClick={() => void navigator.clipboard?.writeText(joinUrl).catch(() => {})}>
                {t.copyJoin}
              </button>
            </p>
            <p className="mt-1 text-slate-500 dark:text-slate-400">
              {format(t.seats, { n: board.learners.length, of: board.class.capacity })}
              {board.class.startsAt && ` · ${format(t.startsAt, { time: new Date(board.class.startsAt).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) })}`}
              {board.class.endsAt && ` · ${format(t.endsAt, { time: new Date(board.class.endsAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) })}`}
            </p>
            {board.warm && (
              <p className="mt-1 text-slate-700 dark:text-slate-300" data-testid="warm-seats" data-warm={board.warm.warm}>
                {format(t.warmSeats, { warm: board.warm.warm, starting: board.warm.starting })}
              </p>
            )}
          </div>
          <div className="flex flex-col gap-2">
            <label className="text-sm">
              {t.pin}
              <select
                value={board.class.pinned ?? ''}
                onChange={(e) => void act('pin', { lesson: e.target.value || null })}
                className={`${fieldClass} py-1 text-sm`}
                data-testid="pin"
              >
                <option value="">{t.pinNone}</option>
                {board.lessons.map((l) => (
                  <option key={l.lesson} value={l.lesson}>
                    {l.title}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className={`${smallButton} border-red-300 text-red-700 dark:border-red-800 dark:text-red-400`} onClick={() => confirm(t.endConfirm) && void act('end')}>
              {t.endClass}
            </button>
          </div>
        </section>
      )}

      <div className="mt-8 grid gap-8 lg:grid-cols-[1fr_18rem]">
        <section aria-labelledby="learners-heading">
          <h2 id="learners-heading" className="text-xl font-bold">
            {t.learners}
          </h2>
          {board.learners.length ? (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs text-slate-500 dark:text-slate-400">
                  <tr>
                    <th className="py-2 pr-3 font-medium">{t.name}</th>
                    <th className="py-2 pr-3 font-medium">{t.steps}</th>
                    <th className="py-2 pr-3 font-medium">{t.now}</th>
                    <th className="py-2 pr-3 font-medium">{t.sandbox}</th>
                    <th className="py-2 font-medium" />
                  </tr>
                </thead>
                <tbody>
                  {board.learners.map((learner) => (
                    <tr key={learner.id} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="learner" data-name={learner.name} data-done={learner.done}>
                      <td className="py-2 pr-3 font-medium">{learner.name}</td>
                      <td className="py-2 pr-3">
                        <StepDots board={board} learner={learner} />
                      </td>
                      <td className="py-2 pr-3">
                        {learner.on && (
                          <span className="text-slate-600 dark:text-slate-300">{format(t.step, { lesson: lessonTitle(learner.on.lesson), step: learner.on.step })}</span>
                        )}
                        {learner.stuckForMs !== null && (
                          <span className="ml-2 rounded bg-amber-200 px-1.5 py-0.5 text-xs font-semibold text-amber-950" data-testid="stuck">
                            {format(t.stuck, { minutes: Math.floor(learner.stuckForMs / 60_000) })}
                          </span>
                        )}
                      </td>
                      <td className="py-2 pr-3">{learner.nodes ? t.sandboxOn : <span className="text-slate-500 dark:text-slate-400">{t.sandboxOff}</span>}</td>
                      <td className="flex gap-1.5 py-2">
                        <button type="button" className={smallButton} disabled={ended} onClick={() => setWatching(learner)}>
                          {t.watch}
                        </button>
                        <button type="button" className={smallButton} disabled={ended || !learner.nodes} onClick={() => confirm(format(t.resetConfirm, { name: learner.name })) && void act('reset', { member: learner.id })}>
                          {t.reset}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="mt-3 text-slate-500 dark:text-slate-400">{t.noLearners}</p>
          )}
        </section>
        <section aria-labelledby="failing-heading">
          <h2 id="failing-heading" className="text-xl font-bold">
            {t.failing}
          </h2>
          {board.failing.length ? (
            <ol className="mt-3 space-y-2 text-sm" data-testid="failing">
              {board.failing.map((f) => (
                <li key={`${f.lesson}#${f.step}`} className="rounded-lg border border-slate-200 p-2 dark:border-slate-800">
                  <p className="font-medium">{format(t.step, { lesson: lessonTitle(f.lesson), step: f.step })}</p>
                  <p className="text-slate-500 dark:text-slate-400">{format(t.failures, { n: f.failures, learners: f.learners })}</p>
                </li>
              ))}
            </ol>
          ) : (
            <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">{t.noFailures}</p>
          )}
        </section>
      </div>

      {watching && !ended && <WatchPanel t={t} terminal={terminal} token={token} learner={board.learners.find((l) => l.id === watching.id) ?? watching} onClose={() => setWatching(null)} />}
    </div>
  );
}

/** One dot per step of the class, filled when passed: progress at a glance, with the count for screen readers. */
function StepDots({ board, learner }: { board: Dashboard; learner: LearnerRow }) {
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span className="tabular-nums">
        {learner.done}/{board.totalSteps}
      </span>
      <span aria-hidden="true" className="flex flex-wrap gap-1">
        {board.lessons.map((lesson) => (
          <span key={lesson.lesson} className="flex gap-0.5" title={lesson.title}>
            {lesson.steps.map((step) => (
              <span key={step} className={`h-2.5 w-2.5 rounded-full ${learner.passed[lesson.lesson]?.includes(step) ? 'bg-emerald-500' : 'bg-slate-200 dark:bg-slate-700'}`} />
            ))}
          </span>
        ))}
      </span>
    </span>
  );
}

/** A learner's terminal, read-only and live; in a lab, one machine at a time. */
function WatchPanel({ t, terminal, token, learner, onClose }: { t: Messages['classes']; terminal: Messages['terminal']; token: string; learner: LearnerRow; onClose: () => void }) {
  const [View, setView] = useState<ComponentType<TerminalViewProps> | null>(null);
  const [node, setNode] = useState(1);

  useEffect(() => {
    let live = true;
    void import('../terminal/TerminalView.client').then((module) => live && setView(() => module.TerminalView));
    return () => {
      live = false;
    };
  }, []);

  const watch = { classToken: token, member: String(learner.id), cell: learner.cell };
  return (
    <section aria-label={format(t.watching, { name: learner.name })} className="fixed inset-x-0 bottom-0 z-40 flex h-[45vh] flex-col border-t border-slate-700 bg-[#020617] text-slate-200" data-testid="watch">
      <div className="flex h-10 shrink-0 items-center gap-3 border-b border-slate-800 px-3 text-sm">
        <strong>{format(t.watching, { name: learner.name })}</strong>
        <span className="text-slate-400">{t.readOnly}</span>
        {learner.nodes > 1 && (
          <label className="ml-auto">
            {t.node}{' '}
            <select value={node} onChange={(e) => setNode(Number(e.target.value))} className="rounded bg-slate-800 px-1">
              {Array.from({ length: learner.nodes }, (_, i) => (
                <option key={i} value={i + 1}>
                  node{i + 1}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={onClose} className={`${learner.nodes > 1 ? '' : 'ml-auto '}rounded px-2 py-0.5 hover:bg-slate-800`}>
          {t.closeWatch}
        </button>
      </div>
      {View && <View key={`${learner.id}/${node}`} tabId="main" node={{ index: node, count: maxLabNodes }} t={terminal} fontSize={13} screenReader={false} autoFocus={false} watch={watch} />}
    </section>
  );
}
