import { expect, test, type Page } from '@playwright/test';
import { openLessonTerminal, typeCommand, waitForText } from './terminal-helpers';

// Sandboxes pull images and a storm creates 150 containers on one CPU: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

const panel = (page: Page) => page.getByTestId('docker-state');
const container = (page: Page, name: string) => panel(page).locator(`[data-testid="container"][data-name="${name}"]`);

/** Opens the panel (collapsed until a learner first opens it) and waits for its first picture. */
async function pictureReady(page: Page) {
  await expect(panel(page)).toHaveAttribute('data-open', 'false');
  await page.getByTestId('docker-state-toggle').click();
  await expect(panel(page)).toHaveAttribute('data-open', 'true');
  await expect(panel(page).locator('[data-testid="network"][data-name="bridge"]')).toBeVisible({ timeout: 20_000 });
  // Back to the shell, where the learner types.
  await page.getByTestId('terminal').click();
}

test('a container appears, joins a network, and goes, as the learner types', async ({ page }) => {
  await openLessonTerminal(page);
  await pictureReady(page);

  await typeCommand(page, 'docker run -d --name web -p 8080:80 nginx');
  await expect(container(page, 'web')).toBeVisible({ timeout: 15_000 });
  await expect(container(page, 'web')).toContainText('8080→80/tcp');
  // What the last command did is marked, and said in words for screen readers.
  await expect(container(page, 'web')).toHaveAttribute('data-mark', 'added');
  await expect(page.getByTestId('docker-state-change')).toContainText(/Added: (.*, )?container web/);
  await expect(panel(page).locator('[data-network="bridge"] [data-testid="attachment"][data-name="web"]')).toBeVisible();

  await typeCommand(page, 'docker network create lessonnet && docker network connect lessonnet web');
  await expect(panel(page).locator('[data-network="lessonnet"] [data-testid="attachment"][data-name="web"]')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('docker-state-change')).toContainText(/Changed: (.*, )?container web/);

  // A click shows the container's key facts.
  await container(page, 'web').click();
  const details = page.getByTestId('docker-state-details');
  await expect(details).toContainText('nginx');
  await expect(details).toContainText('bridge, lessonnet');

  await page.getByTestId('terminal').click();
  await typeCommand(page, 'docker rm -f web');
  await expect(container(page, 'web')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('docker-state-change')).toContainText(/Removed: (.*, )?container web/);
  await expect(panel(page).locator('[data-testid="attachment"][data-name="web"]')).toHaveCount(0);
});

test('collapsed, the panel shows nothing and is remembered collapsed; opened again, it catches up', async ({ page }) => {
  await openLessonTerminal(page);
  await pictureReady(page);
  await page.getByTestId('docker-state-toggle').click();
  await expect(panel(page)).toHaveAttribute('data-open', 'false');
  await page.getByTestId('terminal').click();
  await typeCommand(page, 'docker volume create notes && echo volume-made');
  await waitForText(page, /^volume-made/m);
  await page.reload();
  await expect(panel(page)).toHaveAttribute('data-open', 'false', { timeout: 30_000 });
  await page.getByTestId('docker-state-toggle').click();
  await expect(panel(page).locator('[data-testid="volume"][data-name="notes"]')).toBeVisible({ timeout: 15_000 });
});

test('in the layers lesson, nginx and debian visibly share their base layer', async ({ page }) => {
  await openLessonTerminal(page, '/en/images/layers-and-tags');
  await pictureReady(page);
  await typeCommand(page, 'docker pull nginx && docker pull debian');
  const shared = (image: string) => panel(page).locator(`[data-image="${image}"] [data-testid="layer"][data-shared="2"]`);
  await expect(shared('nginx:latest')).toHaveCount(1, { timeout: 30_000 });
  await expect(shared('debian:latest')).toHaveCount(1);
  // The same layer, by its content id, in both stacks.
  expect(await shared('nginx:latest').getAttribute('data-layer')).toBe(await shared('debian:latest').getAttribute('data-layer'));
  await expect(shared('nginx:latest')).toContainText('shared by 2 images');
});

test('a storm of 150 containers keeps the page responsive and the picture bounded', async ({ page }) => {
  await openLessonTerminal(page);
  await pictureReady(page);
  // Long main-thread tasks while the pictures pour in are what a learner would feel as a frozen page.
  await page.evaluate(() => {
    const w = window as unknown as { longestTask: number };
    w.longestTask = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.longestTask = Math.max(w.longestTask, e.duration)))).observe({ type: 'longtask', buffered: false });
  });
  await typeCommand(page, 'for i in $(seq 150); do docker create --name storm$i busybox true >/dev/null; done; echo storm-$((7*6))');
  const roundTrips: number[] = [];
  while (!/^storm-42/m.test(await page.evaluate(() => window.__courseTerminal?.text() ?? ''))) {
    const start = Date.now();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    roundTrips.push(Date.now() - start);
    await page.waitForTimeout(200);
    expect(roundTrips.length, 'the storm should end within a minute').toBeLessThan(300);
  }
  await expect(panel(page)).toContainText('150 containers', { timeout: 15_000 });
  await expect(panel(page)).toContainText('and 110 more');
  await expect(panel(page).locator('[data-testid="container"]')).toHaveCount(40);
  await expect(panel(page)).toHaveAttribute('data-catching-up', 'false');
  expect(Math.max(...roundTrips)).toBeLessThan(1500);
  expect(await page.evaluate(() => (window as unknown as { longestTask: number }).longestTask)).toBeLessThan(500);
  // And the terminal still answers at once.
  await page.getByTestId('terminal').click();
  await typeCommand(page, 'echo after-$((6*7))');
  await waitForText(page, /^after-42/m, 5_000);
});
