import { expect, test } from '@playwright/test';
import { openLessonTerminal, terminalText, typeCommand, waitForText } from './terminal-helpers';

test('docker run hello-world really runs in the learner’s sandbox', async ({ page }) => {
  await openLessonTerminal(page);
  await typeCommand(page, 'docker run hello-world');
  await waitForText(page, /Hello from inside a container![\s\S]*pulled it from a registry/);
});

test('a code block’s run button types the command into the terminal', async ({ page }) => {
  await openLessonTerminal(page);
  const block = page.locator('[data-code-block]').filter({ hasText: 'docker run --rm busybox ps' });
  await block.hover();
  await block.getByTestId('run-command').click();
  await waitForText(page, /PID\s+USER\s+(TIME\s+)?COMMAND\s+1 root\s+ps/);
});

test('a reload finds the same shell, with its screen and its state', async ({ page }) => {
  await openLessonTerminal(page);
  await typeCommand(page, 'export LESSON_MARK=kept-across-reloads; echo "marker-$((40+2))"');
  await waitForText(page, /marker-42/);
  await page.reload();
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await waitForText(page, /marker-42/);
  await page.getByTestId('terminal').click();
  await typeCommand(page, 'echo "mark=$LESSON_MARK"');
  await waitForText(page, /mark=kept-across-reloads/);
  // No output is duplicated by the reattach.
  expect((await terminalText(page)).match(/^marker-42$/gm)?.length).toBe(1);
});

test('the shell follows the size of the terminal panel', async ({ page }) => {
  await openLessonTerminal(page);
  let probe = 0;
  const sizes = async () => {
    // Each probe prints its own number, so an earlier answer on screen is never taken for this one.
    probe++;
    await page.getByTestId('terminal').click();
    await typeCommand(page, `echo "size-${probe}=$(stty size | tr " " x)"`);
    const answer = new RegExp(`^size-${probe}=(\\d+)x(\\d+)`, 'm');
    await waitForText(page, answer);
    return answer.exec(await terminalText(page))!.slice(1).map(Number);
  };
  const [rowsWide, colsWide] = await sizes();
  // The page guessed the first shell's size before xterm loaded; the shell has the terminal's own.
  const shown = await page.evaluate(() => window.__courseTerminal!.size());
  expect([rowsWide, colsWide]).toEqual([shown.rows, shown.cols]);
  await page.setViewportSize({ width: 1100, height: 700 });
  await expect.poll(async () => (await sizes())[1], { timeout: 15_000 }).toBeLessThan(colsWide!);
  const [rowsSmall] = await sizes();
  expect(rowsSmall).toBeLessThan(rowsWide!);
});

test('a check fails before its step, saying what is missing, and passes after it', async ({ page }) => {
  await openLessonTerminal(page, '/en/architecture/first-container');
  const check = page.locator('[data-check="hello-world-ran"]');
  await check.getByRole('button', { name: 'Check my work' }).click();
  await expect(check).toHaveAttribute('data-state', 'failed');
  await expect(check).toContainText('There is no container from the image “hello-world” yet.');
  await expect(check).toContainText('Hint:');
  const block = page.locator('[data-code-block]').filter({ has: page.locator('pre', { hasText: /^docker run hello-world\s*$/ }) }).first();
  await block.hover();
  await block.getByTestId('run-command').click();
  await waitForText(page, /Hello from inside a container!/);
  await check.getByRole('button', { name: 'Check my work' }).click();
  await expect(check).toHaveAttribute('data-state', 'passed');
});
