import { Children, isValidElement, type ReactElement, type ReactNode } from 'react';
import { QuizForm, type QuizLabels } from './Quiz.client';

/**
 * The parts of a <Quiz> as MDX hands them over. They render nothing themselves: Quiz reads their words
 * and passes only those to the browser, so `correct` and `explain` stay on the server until it grades.
 */
export function QuizQuestion(_: { children?: ReactNode }) {
  return null;
}
export function QuizOption(_: { children?: ReactNode; correct?: boolean; explain?: string }) {
  return null;
}

export function Quiz({ id, multiple, children, labels }: { id: string; multiple?: boolean; children?: ReactNode; labels: QuizLabels }) {
  const parts = Children.toArray(children).filter(isValidElement) as ReactElement<{ children?: ReactNode }>[];
  const question = parts.find((part) => part.type === QuizQuestion)?.props.children;
  const options = parts.filter((part) => part.type === QuizOption).map((part) => part.props.children);
  return <QuizForm id={id} multiple={multiple === true} question={question} options={options} labels={labels} />;
}
