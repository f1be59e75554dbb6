'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { ensureSession } from '@/lib/client/session';
import type { Messages } from '@/lib/i18n/en';
import { fieldClass, postJson, primaryButton } from './ui';

type Refusal = keyof Messages['classes']['refusals'];

/** A learner joins with the code (from the join link, or typed) and the name the instructor sees. */
export function JoinForm({ t }: { t: Messages['classes'] }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => setCode(new URLSearchParams(location.search).get('code') ?? ''), []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name'));
    setBusy(true);
    setError(null);
    try {
      await ensureSession();
      const joined = await postJson<{ lesson: string }>('/api/classes/join', { code, name });
      if (joined.ok) return location.assign(joined.value.lesson);
      setError(joined.reason && joined.reason in t.refusals ? t.refusals[joined.reason as Refusal] : joined.error);
    } catch {
      setError(t.joinFailed);
    }
    setBusy(false);
  };

  return (
    <form onSubmit={submit} className="mt-8 space-y-5">
      <label className="block font-medium">
        {t.codeLabel}
        <input
          name="code"
          required
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={20}
          className={`${fieldClass} font-mono text-2xl tracking-[0.3em] uppercase`}
        />
      </label>
      <label className="block font-medium">
        {t.nameLabel}
        <input name="name" required maxLength={40} autoComplete="nickname" className={fieldClass} />
      </label>
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-400" data-testid="form-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? t.joining : t.join}
      </button>
    </form>
  );
}
