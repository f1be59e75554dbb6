// The lesson runner: proves that every check in every lesson works. For each lesson, in a fresh
// sandbox, each check must fail before its step, the step's commands run and its file blocks are
// created (in the order of the text, as the page's button creates them), a challenge's hidden
// solution runs, and then the check must pass.
// Usage: tsx scripts/lesson-runner.ts [--compiled DIR] [--jobs N] [module/lesson]
// COURSE_INSTANCE (default lesson-runner) names its sandboxes, so several runners can share an engine.
// Lessons run --jobs at a time (default 4): they mostly wait on pulls and builds, each in its own sandbox.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { describeProblem } from '../lib/checks/describe';
import { evaluate, type CheckResult } from '../lib/checks/evaluate';
import { loadConfig } from '../lib/server/config';
import { readCourse } from '../lib/content/output';
import { sandboxNodes } from '../lib/content/schema';
import { planFileWrite, type FileBlock, type FileFound } from '../lib/content/file-blocks';
import type { LessonEntry } from '../lib/content/types';
import { locales } from '../lib/i18n';
import { Engine } from '../lib/sandbox/engine';
import { SandboxManager } from '../lib/sandbox/manager';
import { SandboxFiles, WorkspaceError } from '../lib/workspace/files';

const { values, positionals } = parseArgs({ options: { compiled: { type: 'string' }, jobs: { type: 'string', default: '4' } }, allowPositionals: true });
const config = loadConfig({ COURSE_INSTANCE: 'lesson-runner', ...process.env });
const engine = Engine.connect(config.engine);
const only = positionals[0];
let passed = 0;
let failed = 0;

const files = new SandboxFiles(engine);
const sandboxes = new SandboxManager(engine, { ...config.sandbox, poolSize: 0 });
for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
for (const network of await engine.listLabNetworks(config.sandbox.instance)) await engine.removeNetwork(network);

const queue: { locale: string; lesson: LessonEntry }[] = [];
for (const locale of locales) {
  for (const lesson of (await readCourse(locale, values.compiled)).modules.flatMap((m) => m.lessons)) {
    const name = `${lesson.module}/${lesson.slug}`;
    if (only && only !== name) continue;
    if (lesson.checks.length) queue.push({ locale, lesson });
    else console.log(`-    ${locale} ${name}: no checks`);
  }
}
const started = Date.now();
await Promise.all(
  Array.from({ length: Math.max(1, Number(values.jobs)) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { locale, lesson } = next;
      const begun = Date.now();
      const problems = await runLesson(lesson);
      if (problems.length) failed++;
      else passed++;
      const seconds = ((Date.now() - begun) / 1000).toFixed(0);
      console.log(`${problems.length ? 'FAIL' : 'ok  '} ${locale} ${lesson.module}/${lesson.slug} (${lesson.checks.length} checks, ${seconds} s)`);
      for (const problem of problems) console.log(`       ${problem}`);
    }
  }),
);
console.log(`in ${((Date.now() - started) / 1000).toFixed(0)} s:`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

async function runLesson(lesson: LessonEntry): Promise<string[]> {
  // A learner of its own: a fresh sandbox, or a fresh lab for a Swarm lesson, as the server would give.
  const session = randomBytes(16).toString('hex');
  const { nodes } = await sandboxes.acquire(session, undefined, undefined, Math.max(1, sandboxNodes[lesson.sandbox]));
  const problems: string[] = [];
  try {
    // Checks ask node1, as the check API does.
    const docker = (args: string[]) => engine.run(nodes[0]!, ['docker', ...args], { timeoutMs: 120_000 });
    for (const [step, { check, commands }] of lesson.checks.entries()) {
      if ((await evaluate(check, docker)).passed) problems.push(`${check.id}: passes before its step`);
      const blocks = lesson.files.filter((file) => file.step === step);
      for (let index = 0; index <= commands.length; index++) {
        for (const file of blocks.filter((f) => f.after === index)) {
          const problem = await createFile(nodes[file.node - 1]!, file);
          if (problem) problems.push(`${check.id}: file block ${file.path}: ${problem}`);
        }
        const command = commands[index];
        if (command) await runAsLearner(nodes[command.node - 1]!, command.script);
      }
      if (check.solution) await runAsLearner(nodes[0]!, check.solution);
      const after = await settled(() => evaluate(check, docker));
      if (!after.passed) problems.push(`${check.id}: still fails after its step: ${describeProblem(after.problem, 'en')}`);
    }
  } finally {
    await sandboxes.reset(session);
  }
  return problems;
}

/**
 * A check after its step, asked again for a while as a learner would click it again: some states take
 * time to come true (a health check's first verdict, a service that is still starting).
 */
async function settled(ask: () => Promise<CheckResult>, withinMs = 30_000): Promise<CheckResult> {
  const until = Date.now() + withinMs;
  for (;;) {
    const result = await ask();
    if (result.passed || Date.now() >= until) return result;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Creates a file block's file through the workspace's own write, following the button's rule (a learner who is asked agrees to replace). */
async function createFile(id: string, file: FileBlock): Promise<string | null> {
  try {
    const found: FileFound = await files.read(id, file.path).then(
      (current) => ({ kind: 'text' as const, ...current }),
      (error: unknown) => {
        if (error instanceof WorkspaceError && error.reason === 'notFound') return { kind: 'missing' as const };
        if (error instanceof WorkspaceError && (error.reason === 'binary' || error.reason === 'tooLarge')) return { kind: 'unreadable' as const };
        throw error;
      },
    );
    const plan = planFileWrite(found, file.text);
    if (plan.write) await files.write(id, file.path, file.text, plan.base);
    return null;
  } catch (error) {
    return error instanceof WorkspaceError ? `${error.reason}: ${error.message}` : String(error);
  }
}

/** Runs one code block as the learner would type it, keeping the working directory between blocks. */
async function runAsLearner(id: string, script: string) {
  const wrapped = `cd "$(cat ~/.runner-cwd 2>/dev/null || echo ~)"\n${script}\npwd > ~/.runner-cwd`;
  await engine.run(id, ['bash', '-c', wrapped], { timeoutMs: 120_000 }).catch(() => {});
}
