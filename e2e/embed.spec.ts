import { createServer, type Server } from 'node:http';
import { expect, test, type Frame, type Page } from '@playwright/test';
import { e2eBase } from './env';

// Two other sites: one the operator allows to embed lessons (COURSE_EMBED_ORIGINS in
// playwright.config.ts), one it does not. 127.0.0.1 is another site than localhost, so the browser
// treats the course inside them as a third party and keeps its cookies from it.
const allowed = { port: 3300, origin: 'http://127.0.0.1:3300' };
const stranger = { port: 3301, origin: 'http://127.0.0.1:3301' };
const lesson = `${e2eBase}/embed/en/architecture/first-container`;
const hostPage = `<!doctype html><meta charset="utf-8"><title>A school</title><h1>Our Docker class</h1>
<iframe id="lesson" src="${lesson}" width="1300" height="820" title="Docker lesson"></iframe>
<script>
  window.courseEvents = [];
  addEventListener('message', (event) => {
    if (event.origin === '${e2eBase}' && event.data?.source === 'docker-course') window.courseEvents.push(event.data);
  });
</script>`;

const servers: Server[] = [];
test.beforeAll(async () => {
  for (const { port } of [allowed, stranger]) {
    const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(hostPage));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    servers.push(server);
  }
});
test.afterAll(() => servers.forEach((server) => server.close()));

const events = (page: Page) => page.evaluate(() => (window as unknown as { courseEvents: { type: string }[] }).courseEvents.map((e) => e.type));
const frameText = (frame: Frame) => frame.evaluate(() => (window as unknown as { __courseTerminal?: { text(): string } }).__courseTerminal?.text() ?? '');

test('a lesson embedded in an allowed site works without cookies and tells the site what happens', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(allowed.origin);
  await expect.poll(() => events(page)).toContain('ready');

  const frame = page.frame({ url: /\/embed\// })!;
  const embedded = page.frameLocator('#lesson');
  await expect(embedded.getByRole('heading', { level: 1 })).toHaveText('Your first container');
  await expect(embedded.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // The session travelled as a token, not a cookie: the iframe has none.
  expect(await frame.evaluate(() => document.cookie)).toBe('');

  await embedded.getByTestId('terminal').click();
  await page.keyboard.type('docker run hello-world && docker run --rm busybox date');
  await page.keyboard.press('Enter');
  await expect.poll(() => frameText(frame), { timeout: 60_000 }).toMatch(/UTC 20\d\d/);
  for (const step of ['hello-world-ran', 'busybox-date']) {
    const check = embedded.locator(`[data-check="${step}"]`);
    await check.getByRole('button', { name: 'Check my work' }).click();
    await expect(check).toHaveAttribute('data-state', 'passed');
  }
  await expect.poll(() => events(page)).toEqual(['ready', 'step-completed', 'step-completed', 'lesson-completed']);
});

test('a site the operator did not allow cannot embed a lesson', async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (message) => refused.push(message.text()));
  await page.goto(stranger.origin);
  await expect.poll(() => refused.join('\n')).toMatch(/frame-ancestors/);
  await expect(page.frameLocator('#lesson').getByRole('heading', { name: 'Your first container' })).toHaveCount(0);
  expect(await events(page)).toEqual([]);
});

test('every lesson offers its link and an embed snippet', async ({ page }) => {
  await page.goto('/en/architecture/first-container');
  await page.getByText('Share', { exact: true }).click();
  await expect(page.getByTestId('share-link')).toHaveText(`${e2eBase}/en/architecture/first-container`);
  await expect(page.getByTestId('share-embed')).toContainText(`<iframe src="${e2eBase}/embed/en/architecture/first-container"`);
});
