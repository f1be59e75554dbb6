import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

// The course's modules as its outline lists them, so a new module needs no change here.
const moduleCount = (JSON.parse(readFileSync('content/en/meta.json', 'utf8')) as { modules: unknown[] }).modules.length;

const lessonPath = '/virtualization/from-vms-to-containers';

test('the first visit picks the language from Accept-Language', async ({ browser }) => {
  for (const [browserLocale, locale] of [['ko-KR', 'ko'], ['en-US', 'en'], ['fr-FR', 'en']]) {
    const context = await browser.newContext({ locale: browserLocale });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page).toHaveURL(`/${locale}`);
    await expect(page.locator('html')).toHaveAttribute('lang', locale!);
    await context.close();
  }
});

test('the home page lists every module in order and leads to the first lesson', async ({ page }) => {
  await page.goto('/en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Docker, hands-on');
  const modules = page.getByTestId('module');
  await expect(modules).toHaveCount(moduleCount);
  await expect(modules.nth(0)).toContainText('Virtualization and containers');
  await expect(modules.last()).toContainText('Docker Swarm');
  await expect(modules.nth(0)).toContainText('15 min');
  await page.getByRole('link', { name: /Start the course/ }).click();
  await expect(page).toHaveURL(`/en${lessonPath}`);
});

for (const locale of ['en', 'ko'] as const) {
  test(`a lesson in ${locale} shows its title, objectives, text, code and course sidebar`, async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/${locale}${lessonPath}`);
    const title = locale === 'en' ? 'From virtual machines to containers' : '가상 머신에서 컨테이너까지';
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page).toHaveTitle(new RegExp(title));
    await expect(page.locator('#objectives + ul li')).toHaveCount(5);
    // Code is highlighted at build time, in both themes.
    const code = page.locator('[data-code-block] pre[data-language="sh"]').first();
    await expect(code).toHaveClass(/shiki/);
    await expect(code).toContainText('uname -r');
    // Headings carry stable anchors.
    const anchor = page.locator('article h2[id] > a[href^="#"]').first();
    await expect(anchor).toHaveAttribute('href', /^#.+/);
    // Callouts and diagrams render.
    await expect(page.locator('[data-callout]').first()).toBeVisible();
    await expect(page.locator('figure figcaption').first()).toBeVisible();
    // The sidebar shows the whole course and marks this lesson.
    const nav = page.getByRole('navigation', { name: locale === 'en' ? 'Course contents' : '과정 목차' }).last();
    await expect(nav.locator('[aria-current="page"]')).toHaveText(title);
    await expect(nav.locator(':scope > ol > li')).toHaveCount(moduleCount);
    await expect(page.getByTestId('terminal-panel')).toBeVisible();
  });
}

test('the language switch keeps the learner on the same lesson and is remembered', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`/en${lessonPath}`);
  await page.getByTestId('language-switch').click();
  await expect(page).toHaveURL(`/ko${lessonPath}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('가상 머신에서 컨테이너까지');
  await page.goto('/');
  await expect(page).toHaveURL('/ko');
  await context.close();
});

test('the theme follows the system, toggles, and survives a reload', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto('/en');
  const html = page.locator('html');
  await expect(html).toHaveClass(/dark/);
  await page.getByRole('button', { name: 'Switch between light and dark theme' }).click();
  await expect(html).not.toHaveClass(/dark/);
  await page.reload();
  await expect(html).not.toHaveClass(/dark/);
  await context.close();
});

test('on a wide screen the divider resizes the lesson and terminal panes', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/en${lessonPath}`);
  const lesson = page.locator('#pane-lesson');
  const before = (await lesson.boundingBox())!.width;
  const divider = (await page.getByTestId('divider').boundingBox())!;
  await page.mouse.move(divider.x + divider.width / 2, divider.y + 200);
  await page.mouse.down();
  await page.mouse.move(divider.x - 200, divider.y + 200, { steps: 5 });
  await page.mouse.up();
  expect((await lesson.boundingBox())!.width).toBeLessThan(before - 100);
  await expect(page.getByTestId('terminal-panel')).toBeVisible();
});

test('on a narrow screen the lesson and terminal switch by tabs', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`/ko${lessonPath}`);
  await expect(page.getByTestId('divider')).toBeHidden();
  await expect(page.getByTestId('terminal-panel')).toBeHidden();
  await page.getByRole('tab', { name: '터미널' }).click();
  await expect(page.getByTestId('terminal-panel')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeHidden();
  await page.getByRole('tab', { name: '레슨' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('an unknown lesson or language is a 404', async ({ page }) => {
  expect((await page.goto('/en/virtualization/no-such-lesson'))!.status()).toBe(404);
  expect((await page.goto('/fr'))!.status()).toBe(404);
});
