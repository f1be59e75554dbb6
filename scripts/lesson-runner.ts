// The lesson runner: proves that every check in every lesson works. For each lesson, in a fresh
// sandbox, each check must fail before its step, the step's commands (and a challenge's hidden
// solution) run, and then the check must pass.
// Usage: tsx scripts/lesson-runner.ts [--compiled DIR] [module/lesson]
// COURSE_INSTANCE (default lesson-runner) names its sandboxes, so several runners can share an engine.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { evaluate } from '../lib/checks/evaluate';
import { loadConfig } from '../lib/config';
import { readCourse } from '../lib/content/output';
import { sandboxNodes } from '../lib/content/schema';
import type { LessonEntry } from '../lib/content/types';
import { locales } from '../lib/i18n';
import { Engine } from '../lib/sandbox/engine';
import { SandboxManager } from '../lib/sandbox/manager';

const { values, positionals } = parseArgs({ options: { compiled: { type: 'string' } }, allowPositionals: true });
const config = loadConfig({ COURSE_INSTANCE: 'lesson-runner', ...process.env });
const engine = Engine.connect(config.engine);
const only = positionals[0];
let passed = 0;
let failed = 0;

const sandboxes = new SandboxManager(engine, { ...config.sandbox, poolSize: 0 });
for (const sandbox of await engine.list(config.sandbox.instance)) await engine.remove(sandbox.id);
for (const network of await engine.listLabNetworks(config.sandbox.instance)) await engine.removeNetwork(network);

for (const locale of locales) {
  const course = await readCourse(locale, values.compiled);
  for (const lesson of course.modules.flatMap((m) => m.lessons)) {
    const name = `${lesson.module}/${lesson.slug}`;
    if (only && only !== name) continue;
    if (!lesson.checks.length) {
      console.log(`-    ${locale} ${name}: no checks`);
      continue;
    }
    const problems = await runLesson(lesson);
    if (problems.length) failed++;
    else passed++;
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${locale} ${name} (${lesson.checks.length} checks)`);
    for (const problem of problems) console.log(`       ${problem}`);
  }
}
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
    for (const { check, commands } of lesson.checks) {
      if ((await evaluate(check, docker)).passed) problems.push(`${check.id}: passes before its step`);
      for (const { script, node } of [...commands, ...(check.solution ? [{ script: check.solution, node: 1 }] : [])]) await runAsLearner(nodes[node - 1]!, script);
      const after = await evaluate(check, docker);
      if (!after.passed) problems.push(`${check.id}: still fails after its step: ${after.problem.en}`);
    }
  } finally {
    await sandboxes.reset(session);
  }
  return problems;
}

/** Runs one code block as the learner would type it, keeping the working directory between blocks. */
async function runAsLearner(id: string, script: string) {
  const wrapped = `cd "$(cat ~/.runner-cwd 2>/dev/null || echo ~)"\n${script}\npwd > ~/.runner-cwd`;
  await engine.run(id, ['bash', '-c', wrapped], { timeoutMs: 120_000 }).catch(() => {});
}
