'use client';

import { usePathname } from 'next/navigation';
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { emitCourseEvent } from '@/lib/client/course-events';
import { progressStore } from '@/lib/client/progress';
import { ensureSession, sessionHeaders } from '@/lib/client/session';
import type { Explanation } from '@/lib/quizzes/grade';
import { useProgress } from '../progress.client';

export interface QuizLabels {
  label: string;
  chooseOne: string;
  chooseAll: string;
  submit: string;
  checking: string;
  chooseFirst: string;
  correct: string;
  wrong: string;
  missing: string;
  optionRight: string;
  optionWrong: string;
  passed: string;
  tryAgain: string;
  answerAgain: string;
  failed: string;
}

/** Where the quiz stands: the learner choosing (with a note when a try went nowhere), waiting for the server, or graded. */
type State =
  | { phase: 'choosing'; note?: 'chooseFirst' | 'failed' }
  | { phase: 'checking' }
  | { phase: 'answered'; correct: boolean; explanations: Explanation[] };

/** A question with its options; the server grades the answer and sends the explanations back. */
export function QuizForm({ id, multiple, question, options, labels }: { id: string; multiple: boolean; question: ReactNode; options: ReactNode[]; labels: QuizLabels }) {
  // The lesson's own address, also when it is shown embedded (/embed/en/…).
  const pathname = usePathname().replace(/^\/embed(?=\/)/, '');
  const lesson = pathname.split('/').slice(2, 4).join('/');
  const name = `quiz-${useId()}`;
  const firstInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [state, setState] = useState<State>({ phase: 'choosing' });
  const [retaking, setRetaking] = useState(false);
  // A quiz passed on an earlier visit shows as done until the learner chooses to answer it again.
  const passedBefore = useProgress().passed[lesson]?.includes(id) && state.phase === 'choosing' && !state.note && !chosen.length && !retaking;

  const choose = (index: number, on: boolean) => {
    setChosen((now) => (multiple ? (on ? [...now, index].sort((a, b) => a - b) : now.filter((i) => i !== index)) : [index]));
    // A changed answer is a new answer: the old verdicts no longer describe it.
    if (state.phase === 'answered') setState({ phase: 'choosing' });
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Nothing is disabled while the server grades, so the keyboard's focus stays where it was; a second submit meanwhile is ignored.
    if (state.phase === 'checking') return;
    if (!chosen.length) return setState({ phase: 'choosing', note: 'chooseFirst' });
    setState({ phase: 'checking' });
    try {
      await ensureSession();
      const response = await fetch('/api/quiz', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', ...sessionHeaders() },
        body: JSON.stringify({ path: pathname, id, answer: chosen }),
      });
      if (!response.ok) return setState({ phase: 'choosing', note: 'failed' });
      const graded = (await response.json()) as { correct: boolean; explanations: Explanation[] };
      setState({ phase: 'answered', correct: graded.correct, explanations: graded.explanations });
      if (graded.correct) {
        progressStore.markPassed(lesson, id);
        emitCourseEvent({ type: 'step-completed', lesson, step: id });
      }
    } catch {
      setState({ phase: 'choosing', note: 'failed' });
    }
  }

  const again = () => {
    setChosen([]);
    setRetaking(true);
    setState({ phase: 'choosing' });
    firstInput.current?.focus();
  };

  const answered = state.phase === 'answered' ? state : null;
  const explanationOf = (index: number) => answered?.explanations.find((e) => e.option === index);
  // Every chosen option right, yet the answer is wrong: a right one is still missing (said without naming it).
  const missing = answered && !answered.correct && answered.explanations.every((e) => e.correct);
  const status = answered ? (answered.correct ? labels.correct : missing ? labels.missing : labels.wrong) : state.phase === 'choosing' && state.note ? labels[state.note] : passedBefore ? labels.passed : '';
  const tone = answered?.correct || passedBefore ? 'right' : answered || (state.phase === 'choosing' && state.note) ? 'wrong' : null;

  return (
    <form onSubmit={submit} className="not-prose my-6 rounded-lg border border-slate-300 p-4 dark:border-slate-600" data-quiz={id} data-state={passedBefore ? 'passed' : answered ? (answered.correct ? 'passed' : 'wrong') : state.phase}>
      <fieldset aria-busy={state.phase === 'checking'}>
        <legend className="mb-3 w-full">
          <span className="block text-xs font-semibold tracking-wide text-sky-800 uppercase dark:text-sky-300">{labels.label}</span>
          <span className={`mt-1 block font-medium text-slate-900 dark:text-slate-100 ${inlineCode}`}>{question}</span>
          <span className="mt-1 block text-sm text-slate-600 dark:text-slate-400">{multiple ? labels.chooseAll : labels.chooseOne}</span>
        </legend>
        <ul className="space-y-2">
          {options.map((option, index) => {
            const explanation = explanationOf(index);
            const explanationId = `${name}-explain-${index}`;
            return (
              <li key={index}>
                <label className="flex cursor-pointer items-start gap-2.5 rounded-md px-2 py-1.5 hover:bg-slate-100 dark:hover:bg-slate-800">
                  <input
                    ref={index === 0 ? firstInput : undefined}
                    type={multiple ? 'checkbox' : 'radio'}
                    name={name}
                    value={index}
                    checked={chosen.includes(index)}
                    onChange={(event) => choose(index, event.target.checked)}
                    aria-describedby={explanation ? explanationId : undefined}
                    className="mt-1 size-4 shrink-0 accent-sky-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:accent-sky-400"
                  />
                  <span className={`text-slate-800 dark:text-slate-200 ${inlineCode}`}>{option}</span>
                </label>
                {explanation && <Verdict id={explanationId} explanation={explanation} labels={labels} />}
              </li>
            );
          })}
        </ul>
      </fieldset>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        {passedBefore ? (
          <button type="button" onClick={again} className={secondaryButton}>
            {labels.answerAgain}
          </button>
        ) : (
          <button type="submit" className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600">
            {state.phase === 'checking' ? labels.checking : labels.submit}
          </button>
        )}
        {answered && !answered.correct && (
          <button type="button" onClick={again} className={secondaryButton}>
            {labels.tryAgain}
          </button>
        )}
        <p role="status" className={`text-sm ${tone === 'right' ? 'font-medium text-emerald-800 dark:text-emerald-300' : tone === 'wrong' ? 'text-amber-800 dark:text-amber-300' : ''}`}>
          {status && (tone === 'right' ? '✓ ' : tone === 'wrong' ? '✗ ' : '')}
          {status}
        </p>
      </div>
    </form>
  );
}

/** Inline code in a question or an option reads as code, as it does in the lesson's text. */
const inlineCode = '[&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.9em] dark:[&_code]:bg-slate-800';

const secondaryButton =
  'rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:border-slate-600 dark:text-slate-100 dark:hover:bg-slate-800';

/** Right or wrong in words and an icon, not only colour, with the option's explanation. */
function Verdict({ id, explanation, labels }: { id: string; explanation: Explanation; labels: QuizLabels }) {
  const right = explanation.correct;
  return (
    <p
      id={id}
      data-verdict={right ? 'right' : 'wrong'}
      className={`mt-1 ml-8 flex gap-2 rounded-md border-l-4 px-3 py-2 text-sm ${right ? 'border-emerald-600 bg-emerald-50 text-emerald-950 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-100' : 'border-rose-600 bg-rose-50 text-rose-950 dark:border-rose-400 dark:bg-rose-950 dark:text-rose-100'}`}
    >
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" className="mt-0.5 shrink-0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
        {right ? <path d="M3 8.5l3 3 7-7" /> : <path d="M4 4l8 8M12 4l-8 8" />}
      </svg>
      <span>
        <strong>{right ? labels.optionRight : labels.optionWrong}:</strong> {explanation.explain}
      </span>
    </p>
  );
}
