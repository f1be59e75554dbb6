import '#server-only';
import type { Locale } from '../i18n';
import { format } from '../i18n/format';
import { messages } from '../i18n/messages';
import type { Problem } from './evaluate';

/** What a check found missing, in the learner's language. */
export function describeProblem(problem: Problem, locale: Locale): string {
  const t = messages[locale].checkReplies;
  const { code, ...facts } = problem;
  const which = 'which' in problem ? ('name' in problem.which ? format(t.containerNamed, problem.which) : format(t.containerFromImage, problem.which)) : '';
  return format(t.problems[code], { ...facts, which });
}
