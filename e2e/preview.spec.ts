import { expect, test } from '@playwright/test';
import { openLessonTerminal, typeCommand, waitForText } from './terminal-helpers';

test('a published port opens as a preview, for its owner only', async ({ page, browser }) => {
  await openLessonTerminal(page, '/en/containers/running-containers');
  await typeCommand(page, 'docker rm -f preview-web >/dev/null 2>&1; docker run -d --name preview-web -p 8080:80 nginx && echo started-$((6*7))');
  await waitForText(page, /started-42/, 60_000);

  // The terminal offers the port within moments of the container starting.
  const link = page.getByTestId('preview-link').filter({ hasText: 'Open port 8080' });
  await expect(link).toBeVisible({ timeout: 5_000 });
  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/^\/preview\/[A-Za-z0-9_-]{32}\/8080\/$/);
  const [preview] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  await expect(preview.getByRole('heading', { name: 'Welcome to nginx!' })).toBeVisible();
  await preview.close();

  // Paths go to the app behind the port, never to the address they name.
  const sneaky = await page.request.get(`${href}http://169.254.169.254/latest/meta-data/`);
  expect(sneaky.status()).toBe(404);
  expect(sneaky.headers()['server']).toMatch(/nginx/);

  // A port nothing publishes, the engine's own port, a malformed address: clear pages, no proxying.
  const token = href.split('/')[2]!;
  for (const [path, status, words] of [
    [`/preview/${token}/9999/`, 404, 'Nothing is published on this port'],
    [`/preview/${token}/2375/`, 404, 'Nothing is published on this port'],
    [`/preview/${token}/8080@10.213.16.1/`, 400, 'Not a preview address'],
    ['/preview/not-a-token/8080/', 400, 'Not a preview address'],
    [`/preview/${'A'.repeat(32)}/8080/`, 404, 'This preview has ended'],
  ] as const) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(status);
    expect(await response.text()).toContain(words);
  }

  // Another learner (another browser, another session cookie) gets nothing from the same address.
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await strangerPage.goto('/en');
  await strangerPage.request.post('/api/session', { headers: { origin: new URL(page.url()).origin } });
  const refused = await strangerPage.goto(href);
  expect(refused?.status()).toBe(403);
  await expect(strangerPage.getByRole('heading', { name: 'This preview is not yours' })).toBeVisible();
  await stranger.close();

  // When the container goes, so does the link.
  await page.getByTestId('terminal').click();
  await typeCommand(page, 'docker rm -f preview-web');
  await expect(link).toBeHidden({ timeout: 5_000 });
});
