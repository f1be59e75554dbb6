import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { compileContent, ContentError } from '@/lib/content/compile';
import { fileBlockText, planFileWrite } from '@/lib/content/file-blocks';
import { lesson, makeContent } from './content-fixture';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

async function problemsOf(files: Record<string, string | null>) {
  const content = await makeContent(files);
  cleanup = content.cleanup;
  const error = await compileContent(content.dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContentError);
  return (error as ContentError).problems.map((p) => `${p.file.replace(/^.*course-content-[^/]+\//, '')}: ${p.message}`);
}

describe('compileContent', () => {
  it('compiles a valid course in both languages, with frontmatter, headings and locale-bound links', async () => {
    const content = await makeContent();
    cleanup = content.cleanup;
    const result = await compileContent(content.dir);
    const en = result.en.course;
    expect(en.modules.map((m) => m.slug)).toEqual(['basics', 'more']);
    expect(en.modules[0]!.lessons.map((l) => [l.slug, l.title, l.duration])).toEqual([
      ['one', 'One en', 10],
      ['two', 'Two en', 10],
    ]);
    expect(en.modules[0]!.lessons[0]!.headings).toEqual([{ id: 'first-steps', text: 'First steps' }]);
    expect(result.ko.code.get('basics/one')).toContain('/ko/basics/two');
    expect(result.en.code.get('basics/two')).toContain('data-language');
  });

  it('compiles the real course', async () => {
    const result = await compileContent('content');
    // Every module meta.json lists, so adding a module needs no change here.
    const meta = JSON.parse(await readFile('content/en/meta.json', 'utf8')) as { modules: unknown[] };
    expect(result.en.course.modules).toHaveLength(meta.modules.length);
    expect(meta.modules.length).toBeGreaterThanOrEqual(9);
    expect(result.ko.course.modules.map((m) => m.slug)).toEqual(result.en.course.modules.map((m) => m.slug));
  });

  it('names the file and field of a missing or mistyped frontmatter field', async () => {
    const broken = lesson('Two').replace('duration: 10\n', '').replace('sandbox: docker', 'sandbox: kubernetes');
    const problems = await problemsOf({ 'en/basics/two.mdx': broken });
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: frontmatter duration: /));
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: frontmatter sandbox: /));
  });

  it('rejects unknown frontmatter fields, so typos do not pass silently', async () => {
    const problems = await problemsOf({ 'ko/more/three.mdx': lesson('Three').replace('duration:', 'durration: 3\nduration:') });
    expect(problems).toContainEqual(expect.stringMatching(/^ko\/more\/three\.mdx: frontmatter .*durration/));
  });

  it('lets a lesson hide the Docker-state panel, and only with true or false', async () => {
    const content = await makeContent({ 'en/basics/two.mdx': lesson('Two').replace('sandbox: docker', 'sandbox: docker\nstatePanel: false') });
    cleanup = content.cleanup;
    const lessons = (await compileContent(content.dir)).en.course.modules[0]!.lessons;
    expect(lessons.map((l) => l.statePanel)).toEqual([undefined, false]);
    await cleanup();
    const problems = await problemsOf({ 'en/basics/two.mdx': lesson('Two').replace('sandbox: docker', 'sandbox: docker\nstatePanel: hidden') });
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: frontmatter statePanel: /));
  });

  it('reports an unknown component with its line', async () => {
    const problems = await problemsOf({ 'en/basics/one.mdx': lesson('One', '<Callout>hi</Callout>') });
    expect(problems).toEqual([expect.stringMatching(/^en\/basics\/one\.mdx: line \d+: unknown component <Callout>/)]);
  });

  it('reports a link to a lesson that does not exist', async () => {
    const problems = await problemsOf({ 'ko/basics/two.mdx': lesson('Two', 'See [this](/basics/four).') });
    expect(problems).toEqual([expect.stringMatching(/^ko\/basics\/two\.mdx: line \d+: link "\/basics\/four" points to a lesson that does not exist/)]);
  });

  it('reports a lesson present in one language and missing in the other', async () => {
    const enMeta = JSON.parse(JSON.stringify({
      title: 'C', description: 'D',
      modules: [
        { slug: 'basics', title: 'Basics', summary: 'S', lessons: ['one', 'two', 'extra'] },
        { slug: 'more', title: 'More', summary: 'S', lessons: ['three'] },
      ],
    }));
    const problems = await problemsOf({ 'en/meta.json': JSON.stringify(enMeta), 'en/basics/extra.mdx': lesson('Extra') });
    expect(problems).toContainEqual(expect.stringMatching(/^ko\/meta\.json: lacks lesson "basics\/extra" that en has/));
  });

  it('reports a lesson file that meta.json does not list, and a listed lesson with no file', async () => {
    const problems = await problemsOf({ 'en/basics/stray.mdx': lesson('Stray'), 'ko/more/three.mdx': null });
    expect(problems).toContain('en/basics/stray.mdx: is not listed in en/meta.json');
    expect(problems).toContain('ko/more/three.mdx: missing (listed in meta.json)');
  });

  it('reports invalid meta.json and MDX syntax errors', async () => {
    const problems = await problemsOf({ 'ko/meta.json': '{ "title": ', 'en/more/three.mdx': lesson('Three', '<Note>unclosed') });
    expect(problems).toContainEqual(expect.stringMatching(/^ko\/meta\.json: not valid JSON/));
    expect(problems).toContainEqual(expect.stringMatching(/^en\/more\/three\.mdx: does not compile: /));
  });
});

describe('lesson checks', () => {
  const withCheck = (check: string) => lesson('Two', `\`\`\`sh\ndocker run -d --name web nginx\n\`\`\`\n\n\`\`\`sh node2\ndocker ps\n\`\`\`\n\n${check}`);

  it('collects each check with the commands of its step', async () => {
    const check = '<Check id="web" kind="container" name="web" state="running" hint="Run it." />';
    const content = await makeContent({ 'en/basics/two.mdx': withCheck(check), 'ko/basics/two.mdx': withCheck(check.replace('Run it.', '실행하세요.')) });
    cleanup = content.cleanup;
    const lessonTwo = (await compileContent(content.dir)).en.course.modules[0]!.lessons[1]!;
    expect(lessonTwo.checks).toEqual([
      {
        check: { id: 'web', kind: 'container', name: 'web', state: 'running', hint: 'Run it.' },
        commands: [
          { script: 'docker run -d --name web nginx', node: 1 },
          { script: 'docker ps', node: 2 },
        ],
      },
    ]);
  });

  it('marks a code block that runs on a lab node, so its Run button types it there', async () => {
    const check = '<Check id="web" kind="container" name="web" />';
    const content = await makeContent({ 'en/basics/two.mdx': withCheck(check), 'ko/basics/two.mdx': withCheck(check) });
    cleanup = content.cleanup;
    const { code } = (await compileContent(content.dir)).en;
    expect(code.get('basics/two')).toMatch(/"data-node": ?"2"/);
  });

  it('rejects an unknown kind or attribute, naming the file and line', async () => {
    const problems = await problemsOf({ 'en/basics/two.mdx': withCheck('<Check id="x" kind="spaceship" />') });
    expect(problems).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Check> kind: /));
    const more = await problemsOf({ 'en/basics/two.mdx': withCheck('<Check id="x" kind="image" name="a" privileged="true" />') });
    expect(more).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line \d+: <Check> .*privileged/));
  });

  it('reports checks that differ between the languages', async () => {
    const problems = await problemsOf({
      'en/basics/two.mdx': withCheck('<Check id="web" kind="container" name="web" />'),
      'ko/basics/two.mdx': withCheck('<Check id="web" kind="container" name="api" />'),
    });
    expect(problems).toContainEqual(expect.stringMatching(/basics\/two\.mdx: its <Check> elements differ/));
  });
});

describe('file blocks', () => {
  const body = [
    '```sh\nmkdir -p ~/app && cd ~/app\n```',
    '```dockerfile file=app/Dockerfile\nFROM busybox\nCMD ["echo", "hi"]\n```',
    '```sh\ndocker build -t app .\n```',
    '<Check id="app" kind="image" name="app" />',
    '```yaml file=/home/learner/compose.yaml\nservices: {}\n```',
  ].join('\n\n');
  const lab = (block: string) => lesson('Two', block).replace('sandbox: docker', 'sandbox: swarm');

  it('lists each file block with its step and its place among the commands, and marks it for the page', async () => {
    const content = await makeContent({ 'en/basics/two.mdx': lesson('Two', body), 'ko/basics/two.mdx': lesson('Two', body) });
    cleanup = content.cleanup;
    const compiled = (await compileContent(content.dir)).en;
    expect(compiled.course.modules[0]!.lessons[1]!.files).toEqual([
      { path: 'app/Dockerfile', node: 1, text: 'FROM busybox\nCMD ["echo", "hi"]\n', step: 0, after: 1 },
      { path: 'compose.yaml', node: 1, text: 'services: {}\n', step: 1, after: 0 },
    ]);
    // The Dockerfile is no command to run: the step still has only its two sh blocks.
    expect(compiled.course.modules[0]!.lessons[1]!.checks[0]!.commands.map((c) => c.script)).toEqual(['mkdir -p ~/app && cd ~/app', 'docker build -t app .']);
    expect(compiled.code.get('basics/two')).toMatch(/"data-file": ?"app\/Dockerfile"/);
  });

  it('gives a lab file block its node', async () => {
    const block = '```yaml file=stack.yaml node=3\nservices: {}\n```';
    const content = await makeContent({ 'en/basics/two.mdx': lab(block), 'ko/basics/two.mdx': lab(block) });
    cleanup = content.cleanup;
    const compiled = (await compileContent(content.dir)).en;
    expect(compiled.course.modules[0]!.lessons[1]!.files).toEqual([{ path: 'stack.yaml', node: 3, text: 'services: {}\n', step: 0, after: 0 }]);
    expect(compiled.code.get('basics/two')).toMatch(/"data-node": ?"3"/);
  });

  it.each([
    ['/etc/passwd', /file="\/etc\/passwd" is outside the learner's home/],
    ['../outside', /goes up with \.\./],
    ['app/../../x', /goes up with \.\./],
    ['a\u0001b', /control character/],
    ['', /is empty/],
    ['~/x', /starts with ~/],
    ['.local/share/docker/x', /belongs to the Docker daemon/],
  ])('refuses file=%j, naming the lesson file and the block', async (path, message) => {
    const problems = await problemsOf({ 'en/basics/two.mdx': lesson('Two', `Text.\n\n\`\`\`text file=${path}\nhi\n\`\`\`\n`) });
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^en/basics/two\\.mdx: line 14: file block: .*${message.source}`)));
  });

  it('refuses a node beyond the lesson\'s machines, an unknown meta word and an sh file block', async () => {
    const tooFar = await problemsOf({ 'ko/basics/two.mdx': lab('```yaml file=stack.yaml node=4\nservices: {}\n```') });
    expect(tooFar).toContainEqual('ko/basics/two.mdx: line 12: file block "stack.yaml" is for node 4, but a lesson with sandbox: swarm has only 3 nodes');
    const single = await problemsOf({ 'en/basics/two.mdx': lesson('Two', '```yaml file=c.yaml node=2\nservices: {}\n```') });
    expect(single).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line 12: .*node 2, but a lesson with sandbox: docker has only 1 node$/));
    const none = await problemsOf({ 'en/basics/two.mdx': lesson('Two', '```yaml file=c.yaml\nservices: {}\n```').replace('sandbox: docker', 'sandbox: none') });
    expect(none).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line 12: .*node 1, but a lesson with sandbox: none has no sandbox$/));
    const odd = await problemsOf({ 'en/basics/two.mdx': lesson('Two', '```yaml file=c.yaml mode=600\nservices: {}\n```') });
    expect(odd).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line 12: file block: unknown word "mode=600"/));
    const sh = await problemsOf({ 'en/basics/two.mdx': lesson('Two', '```sh file=run.sh\necho hi\n```') });
    expect(sh).toContainEqual(expect.stringMatching(/^en\/basics\/two\.mdx: line 12: file block "run.sh" is an sh block/));
  });
});

describe('creating a file block\'s file', () => {
  it('writes a new file only if it is still missing, nothing when it matches, and asks before replacing', () => {
    expect(planFileWrite({ kind: 'missing' }, 'a\n')).toEqual({ write: true, ask: false, base: null });
    expect(planFileWrite({ kind: 'text', text: 'a\n', version: 'v1' }, 'a\n')).toEqual({ write: false });
    expect(planFileWrite({ kind: 'text', text: 'a', version: 'v1' }, 'a\n')).toEqual({ write: true, ask: true, base: 'v1' });
    expect(planFileWrite({ kind: 'unreadable' }, 'a\n')).toEqual({ write: true, ask: true });
  });

  it('ends the file with exactly one newline, as the block shows it', () => {
    expect(fileBlockText('FROM busybox')).toBe('FROM busybox\n');
    expect(fileBlockText('FROM busybox\n\n')).toBe('FROM busybox\n');
    expect(fileBlockText('a\r\nb')).toBe('a\r\nb\n');
  });
});
