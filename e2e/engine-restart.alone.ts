import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { en } from '../lib/i18n/en';
import { OwnServer } from './own-server';
import { openLessonTerminal, recordStatus, statusSeen, typeCommand, waitForText } from './terminal-helpers';

// Restarting the engine stops every sandbox on it, so this runs alone, after the other browser tests
// (playwright.alone.config.ts), with a server of its own and a warm pool that must come back too.
const server = new OwnServer('engine', 2, { COURSE_SANDBOX_POOL: '1' });
const lesson = `${server.base}/en/virtualization/from-vms-to-containers`;

const restartEngine = () => {
  execFileSync('bash', ['scripts/engine/down.sh'], { stdio: 'ignore' });
  execFileSync('bash', ['scripts/engine/up.sh'], { stdio: 'ignore' });
};

test.afterAll(() => server.close());

test('when the sandbox engine restarts mid-session, every terminal says what happened and comes back to a working sandbox, and no sandbox is leaked', async ({ browser }) => {
  test.setTimeout(300_000);
  await server.start();
  const learners = await Promise.all(
    [1, 2].map(async () => {
      const page = await (await browser.newContext()).newPage();
      await openLessonTerminal(page, lesson);
      return page;
    }),
  );
  for (const page of learners) {
    await page.getByTestId('terminal').click();
    await typeCommand(page, 'touch made-before && echo "before-$((6*7))"');
    await waitForText(page, /before-42/);
    await recordStatus(page);
  }
  // Two learners and the warm pool's one.
  await expect.poll(async () => (await server.sandboxes()).filter((s) => s.running).length, { timeout: 120_000 }).toBe(3);
  const before = (await server.sandboxes()).map((s) => s.id);

  restartEngine();

  for (const page of learners) {
    const status = page.getByTestId('terminal-status');
    await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 180_000 });
    // Told what happened: the sandbox stopped, and while the engine was away, that it did not answer.
    expect(await statusSeen(page)).toContain(en.terminal.closeReasons.sandboxGone);
    // A working sandbox, a new one: Docker answers, and the old one's files are gone with it.
    await page.getByTestId('terminal').click();
    await typeCommand(page, 'ls made-before 2>/dev/null || echo "fresh-$((2+3))"; docker run --rm hello-world');
    await waitForText(page, /fresh-5[\s\S]*Hello from inside a container!/, 120_000);
  }

  // Nothing leaked: the old sandboxes are removed, and what runs is the two learners' and a pool refilled.
  await expect
    .poll(async () => {
      const now = await server.sandboxes();
      return { old: now.filter((s) => before.includes(s.id)).length, running: now.filter((s) => s.running).length, all: now.length };
    }, { timeout: 120_000 })
    .toEqual({ old: 0, running: 3, all: 3 });
});
