import type { LessonQuiz } from '../content/quizzes';

/** One option's verdict as the learner sees it after answering. */
export interface Explanation {
  option: number;
  correct: boolean;
  explain: string;
}

export interface Graded {
  correct: boolean;
  /**
   * A right answer explains every option: the learner is done and learns why the others were wrong.
   * A wrong one explains only the options chosen, so it never gives away an option not yet tried and
   * trying again still means something.
   */
  explanations: Explanation[];
}

/** The answer as the browser sends it: the chosen options' indexes. A string says what is wrong with it. */
export function readAnswer(quiz: LessonQuiz, answer: unknown): number[] | string {
  const count = quiz.options.length;
  if (!Array.isArray(answer) || !answer.every((i) => Number.isInteger(i))) return 'answer must be a list of option indexes, like [0] or [0, 2]';
  if (!answer.length) return 'answer must choose at least one option';
  const chosen = answer as number[];
  const outside = chosen.find((i) => i < 0 || i >= count);
  if (outside !== undefined) return `option ${outside} does not exist: this quiz has options 0 to ${count - 1}`;
  if (new Set(chosen).size !== chosen.length) return 'answer names an option twice';
  if (!quiz.multiple && chosen.length > 1) return 'this quiz takes one option';
  return [...chosen].sort((a, b) => a - b);
}

/** Right when the chosen options are exactly the correct ones. */
export function grade(quiz: LessonQuiz, chosen: number[]): Graded {
  const picked = new Set(chosen);
  const correct = quiz.options.every((option, i) => option.correct === picked.has(i));
  const explanations = quiz.options.flatMap((option, i) => (correct || picked.has(i) ? [{ option: i, correct: option.correct, explain: option.explain }] : []));
  return { correct, explanations };
}
