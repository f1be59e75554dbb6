import { expect, test, type Browser, type Page } from '@playwright/test';
import { en } from '../lib/i18n/en';
import { CellCluster, type CellName } from '../tests/cells/cluster';
import { classLesson, createClass, joinClass } from './class-helpers';
import { openLessonTerminal, recordStatus, statusSeen, typeCommand, waitForText } from './terminal-helpers';

// Two cells behind HAProxy, sharing PostgreSQL (tests/cells/cluster.ts), as learners and an instructor
// meet them in a real browser. It brings its own servers, so it runs with the tests that run alone.
// cell-2 holds one sandbox at a time, so it can be made full.
const cluster = new CellCluster(3590, 'e2e-cells');
test.use({ baseURL: cluster.origin });
test.beforeAll(() => cluster.start({ COURSE_SANDBOX_CAPACITY: '15' }, { 'cell-2': { COURSE_SANDBOX_CAPACITY: '1' } }));
test.afterAll(() => cluster.stop());

/** A browser that has been on `cell` before: it carries HAProxy's cookie for it. No cell: a newcomer. */
async function visitor(browser: Browser, cell?: CellName): Promise<Page> {
  const context = await browser.newContext();
  if (cell) await context.addCookies([{ name: 'course_cell', value: cell, url: cluster.origin }]);
  return context.newPage();
}
const cellOf = async (page: Page) => (await page.context().cookies()).find((cookie) => cookie.name === 'course_cell')?.value;

/** Pulls an image and has the lesson's check of it passed. */
async function passImageCheck(page: Page) {
  await page.getByTestId('terminal').click();
  await typeCommand(page, 'docker pull -q debian >/dev/null && echo "pulled-$((2+3))"');
  await waitForText(page, /pulled-5/, 60_000);
  const check = page.locator('[data-check="debian-image"]');
  await check.getByRole('button', { name: 'Check my work' }).click();
  await expect(check).toHaveAttribute('data-state', 'passed', { timeout: 30_000 });
}

test('a class across two cells: one dashboard, watch, preview, pin, reset and end reach both; a full cell and a dead one send learners to the other', async ({ browser }) => {
  test.setTimeout(420_000);
  const teacher = await visitor(browser, 'cell-1');
  const code = await createClass(teacher, 'Two cells');

  // Ann joins through cell-1. Bo is at work on cell-2 before he joins, so he stays there.
  const ann = await visitor(browser, 'cell-1');
  await joinClass(ann, code, 'Ann');
  const bo = await visitor(browser, 'cell-2');
  await openLessonTerminal(bo, classLesson);
  await joinClass(bo, code, 'Bo');
  expect([await cellOf(ann), await cellOf(bo)]).toEqual(['cell-1', 'cell-2']);
  await expect(teacher.getByTestId('learner')).toHaveCount(2);

  // Bo's sandbox fills cell-2: newcomers go to cell-1, as soon as HAProxy's agent check hears of it.
  await expect
    .poll(async () => {
      const newcomers = await Promise.all([0, 1, 2, 3].map(() => visitor(browser)));
      const cells = await Promise.all(newcomers.map(async (page) => (await page.goto('/en'))?.headers()['x-course-cell']));
      await Promise.all(newcomers.map((page) => page.context().close()));
      return cells;
    }, { timeout: 20_000 })
    .toEqual(['cell-1', 'cell-1', 'cell-1', 'cell-1']);

  // A step Bo passes on cell-2 shows live on the dashboard on cell-1.
  await passImageCheck(bo);
  await expect(teacher.locator('[data-testid="learner"][data-name="Bo"]')).toHaveAttribute('data-done', '1');

  // The instructor's read-only view and preview of Bo reach cell-2.
  await teacher.locator('[data-testid="learner"][data-name="Bo"]').getByRole('button', { name: 'Watch' }).click();
  await expect(teacher.getByTestId('watch').getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await bo.getByTestId('terminal').click();
  await typeCommand(bo, 'docker run -d -p 8080:80 nginx >/dev/null && echo "serving-$((6*7))"');
  await waitForText(teacher, /serving-42/, 60_000);
  const link = teacher.getByTestId('watch').getByTestId('preview-link').filter({ hasText: 'Open port 8080' });
  await expect(link).toBeVisible({ timeout: 15_000 });
  const [preview] = await Promise.all([teacher.context().waitForEvent('page'), link.click()]);
  expect(preview.url()).toContain('/preview/cell-2.');
  await expect(preview.getByRole('heading', { name: 'Welcome to nginx!' })).toBeVisible({ timeout: 15_000 });
  await preview.close();
  await teacher.getByTestId('watch').getByRole('button', { name: 'Close' }).click();

  // A pin reaches both cells' learners.
  await teacher.getByTestId('pin').selectOption({ label: 'From virtual machines to containers' });
  for (const page of [ann, bo]) await expect(page.getByTestId('class-banner')).toContainText('The class is here.');

  // A reset reaches Bo's sandbox on cell-2: a fresh one, without the file he made.
  await bo.getByTestId('terminal').click();
  await typeCommand(bo, 'touch made-before && echo "made-$((3*3))"');
  await waitForText(bo, /made-9/);
  await recordStatus(bo);
  teacher.once('dialog', (dialog) => void dialog.accept());
  await teacher.locator('[data-testid="learner"][data-name="Bo"]').getByRole('button', { name: 'Reset sandbox' }).click();
  await expect.poll(() => statusSeen(bo), { timeout: 30_000 }).toContain(en.terminal.closeReasons.resetByInstructor);
  await expect(bo.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await bo.getByTestId('terminal').click();
  await typeCommand(bo, 'ls made-before 2>/dev/null || echo "fresh-$((2+3))"');
  await waitForText(bo, /fresh-5/, 30_000);

  // The end reaches both cells: each learner's terminal closes and says why.
  teacher.once('dialog', (dialog) => void dialog.accept());
  await teacher.getByRole('button', { name: 'End the class' }).click();
  await expect(teacher.getByTestId('class-ended')).toBeVisible();
  for (const page of [ann, bo]) {
    await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'closed', { timeout: 30_000 });
    await expect(page.getByText(en.terminal.closeReasons.classEnded).first()).toBeVisible();
  }

  // Dee works on cell-2, which then dies: her terminal comes back on cell-1 with a new sandbox, says why,
  // and her passed step is still hers.
  const dee = await visitor(browser, 'cell-2');
  await openLessonTerminal(dee, classLesson);
  await passImageCheck(dee);
  cluster.signal('cell-2', 'SIGKILL');
  await expect(dee.getByTestId('trouble-moved')).toBeVisible({ timeout: 120_000 });
  await expect(dee.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await cellOf(dee)).toBe('cell-1');
  await dee.getByTestId('terminal').click();
  await typeCommand(dee, 'docker images -q debian | grep -q . || echo "new-$((4+4))"');
  await waitForText(dee, /new-8/, 30_000);
  const reloaded = await dee.reload();
  expect(reloaded?.headers()['x-course-cell']).toBe('cell-1');
  await expect(dee.locator('[data-check="debian-image"]')).toHaveAttribute('data-state', 'passed');
});
