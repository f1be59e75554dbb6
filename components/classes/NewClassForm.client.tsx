'use client';

import { useState, type FormEvent } from 'react';
import type { Locale } from '@/lib/i18n';
import type { Messages } from '@/lib/i18n/en';
import { format } from '@/lib/i18n/format';
import { fieldClass, postJson, primaryButton } from './ui';

interface ModuleChoice {
  title: string;
  lessons: { key: string; title: string }[];
}

const endChoices = [1, 2, 3, 4, 8];

/** What an instructor fills in to make a class; the answer is their private dashboard link. */
export function NewClassForm({ locale, t, modules }: { locale: Locale; t: Messages['classes']; modules: ModuleChoice[] }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (keys: string[], on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const key of keys) if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // In the course's order, whatever order they were ticked in.
    const lessons = modules.flatMap((m) => m.lessons.map((l) => l.key)).filter((key) => chosen.has(key));
    if (!lessons.length) return setError(t.chooseLessons);
    const hours = Number(form.get('hours'));
    // The field is in the instructor's own time zone; the server keeps the moment it names.
    const start = String(form.get('startsAt') ?? '');
    setBusy(true);
    const created = await postJson<{ teach: string }>('/api/classes', {
      title: String(form.get('title')),
      locale,
      lessons,
      capacity: Number(form.get('capacity')),
      ...(hours ? { hours } : {}),
      ...(start ? { startsAt: new Date(start).getTime() } : {}),
    }).catch(() => ({ ok: false as const, status: 0, error: t.joinFailed }));
    setBusy(false);
    if (created.ok) location.assign(created.value.teach);
    else setError(created.error);
  };

  return (
    <form onSubmit={submit} className="mt-8 space-y-6">
      <label className="block font-medium">
        {t.titleLabel}
        <input name="title" required maxLength={80} placeholder={t.titlePlaceholder} className={fieldClass} />
      </label>
      <fieldset>
        <legend className="font-medium">{t.lessonsLabel}</legend>
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          {modules
            .filter((m) => m.lessons.length)
            .map((module) => {
              const keys = module.lessons.map((l) => l.key);
              const all = keys.every((key) => chosen.has(key));
              return (
                <fieldset key={module.title} className="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800">
                  <legend className="px-1">
                    <label className="flex items-center gap-2 font-semibold">
                      <input type="checkbox" checked={all} onChange={(e) => toggle(keys, e.target.checked)} />
                      {module.title}
                    </label>
                  </legend>
                  {module.lessons.map((lesson) => (
                    <label key={lesson.key} className="mt-1 flex items-center gap-2">
                      <input type="checkbox" name="lesson" value={lesson.key} checked={chosen.has(lesson.key)} onChange={(e) => toggle([lesson.key], e.target.checked)} />
                      {lesson.title}
                    </label>
                  ))}
                </fieldset>
              );
            })}
        </div>
      </fieldset>
      <label className="block font-medium">
        {t.startLabel}
        <input name="startsAt" type="datetime-local" aria-describedby="start-hint" className={fieldClass} />
        <span id="start-hint" className="mt-1 block text-sm font-normal text-slate-600 dark:text-slate-400">
          {t.startHint}
        </span>
      </label>
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="block font-medium">
          {t.endLabel}
          <select name="hours" defaultValue="0" className={fieldClass}>
            <option value="0">{t.endNever}</option>
            {endChoices.map((hours) => (
              <option key={hours} value={hours}>
                {format(t.endIn, { hours })}
              </option>
            ))}
          </select>
        </label>
        <label className="block font-medium">
          {t.capacityLabel}
          <input name="capacity" type="number" min={1} max={40} defaultValue={30} required className={fieldClass} />
        </label>
      </div>
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-400" data-testid="form-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? t.creating : t.create}
      </button>
    </form>
  );
}
