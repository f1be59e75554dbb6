/**
 * Quizzes: questions a terminal cannot check, written in a lesson as
 *
 *   <Quiz id="why-containers" multiple>
 *     <Question>Which of these does a container share with its host?</Question>
 *     <Option correct explain="Every container runs on the host's kernel.">The kernel</Option>
 *     <Option explain="Each container has its own root filesystem, from its image.">The root filesystem</Option>
 *   </Quiz>
 *
 * The content build validates them and keeps the answers in the compiled course (server side only); the
 * page shows the question and the options, and the server grades (lib/quizzes/grade.ts).
 */

export interface QuizOption {
  /** The option's words as plain text (the page renders the lesson's own markup). */
  text: string;
  correct: boolean;
  /** Why this option is right or wrong, shown once the learner has answered. */
  explain: string;
}

export interface LessonQuiz {
  id: string;
  /** Several options may be right (checkboxes); otherwise exactly one is (radio buttons). */
  multiple: boolean;
  question: string;
  options: QuizOption[];
  /** Where it stands among the lesson's steps: the index of the first <Check> after it. */
  step: number;
}

/** The names a lesson uses; Question and Option only inside a Quiz. */
export const quizElement = 'Quiz';
export const questionElement = 'Question';
export const optionElement = 'Option';

const idPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The part of the mdast that a quiz is read from. */
interface Node {
  type: string;
  name?: string | null;
  value?: unknown;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: Node[];
  position?: { start: { line: number } };
}

const isElement = (node: Node) => node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement';
const at = (node: Node) => (node.position ? `line ${node.position.start.line}: ` : '');
const rawText = (node: Node): string => (typeof node.value === 'string' ? node.value : (node.children ?? []).map(rawText).join(''));
const textOf = (node: Node) => rawText(node).replace(/\s+/g, ' ').trim();

/**
 * A remark plugin: collects every <Quiz> of a lesson in the order of the text, and reports each author
 * mistake with its line. `takenIds` are the lesson's check ids: a quiz is a step too, and steps share one
 * id space in the learner's progress.
 */
export function remarkCollectQuizzes(options: { quizzes: LessonQuiz[]; takenIds: () => string[]; report: (message: string) => void }) {
  return (tree: Node) => {
    let checksBefore = 0;
    const visit = (node: Node, inQuiz: boolean) => {
      if (isElement(node) && node.name === 'Check') checksBefore++;
      if (isElement(node) && (node.name === questionElement || node.name === optionElement) && !inQuiz)
        options.report(`${at(node)}<${node.name}> belongs inside a <Quiz>`);
      if (isElement(node) && node.name === quizElement) {
        const quiz = readQuiz(node, checksBefore, options.report);
        if (quiz && (options.quizzes.some((q) => q.id === quiz.id) || options.takenIds().includes(quiz.id)))
          options.report(`${at(node)}<Quiz> id "${quiz.id}" is used twice in this lesson (quizzes and checks share ids)`);
        else if (quiz) options.quizzes.push(quiz);
        return node.children?.forEach((child) => visit(child, true));
      }
      node.children?.forEach((child) => visit(child, inQuiz));
    };
    visit(tree, false);
  };
}

function readQuiz(node: Node, step: number, report: (message: string) => void): LessonQuiz | null {
  const where = at(node);
  let problems = 0;
  const complain = (message: string) => {
    problems++;
    report(`${where}<Quiz> ${message}`);
  };
  const attributes = plainAttributes(node, complain);
  const id = attributes.get('id');
  if (typeof id !== 'string' || !idPattern.test(id)) complain(`needs an id of lowercase words joined by hyphens, like id="why-containers"`);
  for (const name of attributes.keys()) if (name !== 'id' && name !== 'multiple') complain(`takes only id and multiple, not ${name}`);
  const multiple = attributes.get('multiple') === true;

  const children = (node.children ?? []).filter((child) => !(child.type === 'text' && !textOf(child)));
  const questions = children.filter((child) => isElement(child) && child.name === questionElement);
  const optionNodes = children.filter((child) => isElement(child) && child.name === optionElement);
  if (children.length !== questions.length + optionNodes.length) complain(`holds only one <Question> and its <Option>s`);
  if (questions.length !== 1 || children[0] !== questions[0]) complain(`starts with one <Question>`);
  if (questions[0] && !textOf(questions[0])) complain(`has an empty <Question>`);
  if (optionNodes.length < 2) complain(`needs at least two <Option>s (it has ${optionNodes.length})`);

  const options = optionNodes.map((option, index): QuizOption => {
    const named = (message: string) => complain(`option ${index + 1}: ${message}`);
    const own = plainAttributes(option, named);
    for (const name of own.keys()) if (name !== 'correct' && name !== 'explain') named(`takes only correct and explain, not ${name}`);
    const explain = own.get('explain');
    if (typeof explain !== 'string' || !explain.trim()) named('needs an explanation: explain="why this is right or wrong"');
    const text = textOf(option);
    if (!text) named('is empty');
    return { text, correct: own.get('correct') === true, explain: typeof explain === 'string' ? explain.trim() : '' };
  });
  const correct = options.filter((o) => o.correct).length;
  if (optionNodes.length && !correct) complain('has no correct option: mark the right one(s) with correct');
  if (!multiple && correct > 1) complain(`has ${correct} correct options; add multiple to let the learner choose several`);
  if (new Set(options.map((o) => o.text)).size !== options.length) complain('lists the same option twice');
  if (problems) return null;
  return { id: id as string, multiple, question: textOf(questions[0]!), options, step };
}

/** Attributes as written: a string, or true for a bare name (`correct`); expressions are refused. */
function plainAttributes(node: Node, complain: (message: string) => void): Map<string, string | true> {
  const attributes = new Map<string, string | true>();
  for (const attribute of node.attributes ?? []) {
    if (attribute.type !== 'mdxJsxAttribute' || !attribute.name || (attribute.value !== null && attribute.value !== undefined && typeof attribute.value !== 'string'))
      complain('takes only plain attributes, like explain="…" or correct');
    else attributes.set(attribute.name, attribute.value ?? true);
  }
  return attributes;
}

/** What both languages must agree on: the quizzes, their kind, and which options are right. Only words differ. */
export const quizSignature = (quizzes: LessonQuiz[]) => JSON.stringify(quizzes.map((q) => [q.id, q.multiple, q.step, q.options.map((o) => o.correct)]));

/** A lesson's steps in the order of the text: its checks, with its quizzes where they stand. */
export function lessonStepIds(lesson: { checks: { check: { id: string } }[]; quizzes?: LessonQuiz[] }): string[] {
  const quizzes = lesson.quizzes ?? [];
  const before = (step: number) => quizzes.filter((q) => q.step === step).map((q) => q.id);
  return [...lesson.checks.flatMap(({ check }, step) => [...before(step), check.id]), ...before(lesson.checks.length)];
}
