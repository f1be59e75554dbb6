import { afterEach, describe, expect, it } from 'vitest';
import { compileContent, ContentError } from '@/lib/content/compile';
import { lessonStepIds, type LessonQuiz } from '@/lib/content/quizzes';
import { grade, readAnswer } from '@/lib/quizzes/grade';
import { lesson, makeContent } from './content-fixture';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

const quiz = (body: string, attributes = 'id="kernel"') => `<Quiz ${attributes}>\n  <Question>What does a container share with its host?</Question>\n${body}\n</Quiz>`;
const option = (text: string, extra = '') => `  <Option ${extra}>${text}</Option>`;
const good = quiz([option('The kernel', 'correct explain="Containers run on the host\'s kernel."'), option('Its `/etc`', 'explain="Each has its own root filesystem."')].join('\n'));

async function compiled(en: string, ko = en) {
  const content = await makeContent({ 'en/basics/two.mdx': lesson('Two', en), 'ko/basics/two.mdx': lesson('Two', ko) });
  cleanup = content.cleanup;
  return compileContent(content.dir);
}

async function problemsOf(en: string, ko = en) {
  const error = await compiled(en, ko).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContentError);
  return (error as ContentError).problems.map((p) => `${p.file.replace(/^.*course-content-[^/]+\//, '')}: ${p.message}`);
}

describe('quizzes in the content build', () => {
  it('keeps each quiz with its options, answers and explanations, and its place among the steps', async () => {
    const body = ['<Check id="first" kind="image" name="a" />', good, '<Check id="second" kind="image" name="b" />'].join('\n\n');
    const result = await compiled(body);
    const two = result.en.course.modules[0]!.lessons[1]!;
    expect(two.quizzes).toEqual([
      {
        id: 'kernel',
        multiple: false,
        question: 'What does a container share with its host?',
        step: 1,
        options: [
          { text: 'The kernel', correct: true, explain: "Containers run on the host's kernel." },
          { text: 'Its /etc', correct: false, explain: 'Each has its own root filesystem.' },
        ],
      },
    ]);
    expect(lessonStepIds(two)).toEqual(['first', 'kernel', 'second']);
    // The page's code names the parts; the words of the answers are there, as the page needs them.
    expect(result.en.code.get('basics/two')).toContain('Option');
  });

  it('takes a multiple-choice quiz with several right options', async () => {
    const body = quiz([option('A', 'correct explain="a"'), option('B', 'correct explain="b"'), option('C', 'explain="c"')].join('\n'), 'id="many" multiple');
    const two = (await compiled(body)).en.course.modules[0]!.lessons[1]!;
    expect(two.quizzes.map((q) => [q.multiple, q.options.map((o) => o.correct)])).toEqual([[true, [true, true, false]]]);
    expect(lessonStepIds(two)).toEqual(['many']);
  });

  it('rejects a quiz without a correct option, naming the file and line', async () => {
    const problems = await problemsOf(quiz([option('A', 'explain="a"'), option('B', 'explain="b"')].join('\n')));
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Quiz> has no correct option/));
  });

  it('rejects an option without an explanation, or with an empty one', async () => {
    const problems = await problemsOf(quiz([option('A', 'correct explain="a"'), option('B'), option('C', 'explain=" "')].join('\n')));
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Quiz> option 2: needs an explanation/));
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Quiz> option 3: needs an explanation/));
  });

  it('rejects fewer than two options', async () => {
    const problems = await problemsOf(quiz(option('A', 'correct explain="a"')));
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Quiz> needs at least two <Option>s \(it has 1\)/));
  });

  it('rejects a duplicate id, also one a check already uses', async () => {
    const twice = await problemsOf(`${good}\n\n${good}`);
    expect(twice).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Quiz> id "kernel" is used twice/));
    const withCheck = await problemsOf(`<Check id="kernel" kind="image" name="a" />\n\n${good}`);
    expect(withCheck).toContainEqual(expect.stringMatching(/<Quiz> id "kernel" is used twice/));
  });

  it('rejects two right options in a single-choice quiz, a missing id, a missing question and stray parts', async () => {
    const two = await problemsOf(quiz([option('A', 'correct explain="a"'), option('B', 'correct explain="b"')].join('\n')));
    expect(two).toContainEqual(expect.stringMatching(/<Quiz> has 2 correct options; add multiple/));
    const noId = await problemsOf(good.replace('id="kernel"', ''));
    expect(noId).toContainEqual(expect.stringMatching(/<Quiz> needs an id/));
    const noQuestion = await problemsOf(good.replace(/<Question>.*<\/Question>/, ''));
    expect(noQuestion).toContainEqual(expect.stringMatching(/<Quiz> starts with one <Question>/));
    const stray = await problemsOf(`<Option explain="x">Alone</Option>`);
    expect(stray).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Option> belongs inside a <Quiz>/));
    const expression = await problemsOf(good.replace('explain="Each has its own root filesystem."', 'explain={"x"}'));
    expect(expression).toContainEqual(expect.stringMatching(/option 2: takes only plain attributes/));
  });

  it('rejects a quiz whose right options differ between the languages', async () => {
    const ko = quiz([option('커널', 'explain="가"'), option('`/etc`', 'correct explain="나"')].join('\n'));
    const problems = await problemsOf(good, ko);
    expect(problems).toContainEqual(expect.stringMatching(/^(en|ko)\/basics\/two\.mdx: its <Quiz> elements differ from the (en|ko) lesson/));
  });
});

describe('grading a quiz', () => {
  const single: LessonQuiz = {
    id: 'q',
    multiple: false,
    question: 'Q',
    step: 0,
    options: [
      { text: 'a', correct: false, explain: 'not a' },
      { text: 'b', correct: true, explain: 'yes b' },
      { text: 'c', correct: false, explain: 'not c' },
    ],
  };
  const multiple: LessonQuiz = { ...single, multiple: true, options: single.options.map((o, i) => ({ ...o, correct: i !== 0 })) };

  it('explains every option after a right answer', () => {
    expect(grade(single, [1])).toEqual({
      correct: true,
      explanations: [
        { option: 0, correct: false, explain: 'not a' },
        { option: 1, correct: true, explain: 'yes b' },
        { option: 2, correct: false, explain: 'not c' },
      ],
    });
  });

  it('explains only the chosen options after a wrong answer, so the right one is not given away', () => {
    expect(grade(single, [2])).toEqual({ correct: false, explanations: [{ option: 2, correct: false, explain: 'not c' }] });
  });

  it('needs exactly the right options of a multiple-choice quiz', () => {
    expect(grade(multiple, [1, 2]).correct).toBe(true);
    const partial = grade(multiple, [1]);
    expect(partial).toEqual({ correct: false, explanations: [{ option: 1, correct: true, explain: 'yes b' }] });
    expect(grade(multiple, [0, 1, 2]).correct).toBe(false);
  });

  it.each([
    [undefined, /list of option indexes/],
    ['1', /list of option indexes/],
    [[1.5], /list of option indexes/],
    [[], /at least one/],
    [[3], /option 3 does not exist: this quiz has options 0 to 2/],
    [[-1], /option -1 does not exist/],
    [[1, 1], /twice/],
  ])('refuses the answer %j', (answer, message) => {
    expect(readAnswer(multiple, answer)).toMatch(message);
  });

  it('takes one option for a single-choice quiz, and sorts a multiple answer', () => {
    expect(readAnswer(single, [0, 1])).toBe('this quiz takes one option');
    expect(readAnswer(multiple, [2, 1])).toEqual([1, 2]);
  });
});
