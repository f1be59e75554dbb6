import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { openLessonTerminal, terminalText, typeCommand, waitForText } from './terminal-helpers';

test.setTimeout(180_000);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Back to the shell: opening a file may have brought the editor to the front. */
async function showShell(page: Page) {
  const shell = page.getByRole('tab', { name: 'Shell 1', exact: true });
  if ((await shell.getAttribute('aria-selected')) !== 'true') await shell.click();
  await page.getByTestId('terminal').click();
}

/** The sha256 of a file in the sandbox, asked in the terminal as a learner would. */
async function sandboxSha(page: Page, path: string, tag: string): Promise<string> {
  await showShell(page);
  await typeCommand(page, `echo ${tag}-$(sha256sum < ${path} | cut -c1-64)`);
  await waitForText(page, new RegExp(`${tag}-[0-9a-f]{64}`));
  return new RegExp(`${tag}-([0-9a-f]{64})`).exec(await terminalText(page))![1]!;
}

/** Resolves with the detail of the next course:open-file event the page sends. */
const nextOpenFile = (page: Page) =>
  page.evaluate(() => new Promise((resolve) => window.addEventListener('course:open-file', (event) => resolve(event.detail), { once: true })));

test('a file block creates its file, writes nothing when the file already matches, and asks before replacing a changed file', async ({ page }) => {
  const writes: { base?: string | null; path: string }[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/files/file') writes.push(JSON.parse(request.postData() ?? '{}'));
  });
  await openLessonTerminal(page, '/en/images/first-dockerfile');
  const block = page.locator('[data-file-block="hello-py/Dockerfile"]');
  const button = block.getByTestId('file-block-create');
  const status = block.getByTestId('file-block-status');
  const expected = `${(await block.locator('pre').textContent())!.replace(/\n*$/, '')}\n`;
  expect(expected).toContain('CMD ["app.py"]\n');
  await expect(button).toHaveText('Create this file');

  // Created: one write that insists the file is new, then the editor is asked to open it.
  let opened = nextOpenFile(page);
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('Created hello-py/Dockerfile in your sandbox.');
  expect(await opened).toEqual({ node: 1, path: 'hello-py/Dockerfile' });
  expect(writes).toEqual([expect.objectContaining({ path: 'hello-py/Dockerfile', base: null })]);
  await expect(button).toHaveText('Open in editor');
  expect(await sandboxSha(page, '~/hello-py/Dockerfile', 'first')).toBe(sha256(expected));

  // The same text again: nothing is written, the file only opens.
  opened = nextOpenFile(page);
  await button.click();
  await expect(status).toHaveText('Your hello-py/Dockerfile already has this content.');
  expect(await opened).toEqual({ node: 1, path: 'hello-py/Dockerfile' });
  expect(writes).toHaveLength(1);

  // Changed in the terminal: the button asks, and "Keep mine" (here Escape) keeps the learner's file.
  await showShell(page);
  await typeCommand(page, 'echo "# my own line" >> ~/hello-py/Dockerfile');
  const changed = sha256(`${expected}# my own line\n`);
  expect(await sandboxSha(page, '~/hello-py/Dockerfile', 'changed')).toBe(changed);
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Replace your Dockerfile with this one?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Replacing it loses what you changed.');
  await expect(dialog.getByRole('button', { name: 'Keep mine' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(status).toHaveText('Kept your hello-py/Dockerfile as it is.');
  await expect(button).toBeFocused();
  expect(writes).toHaveLength(1);
  expect(await sandboxSha(page, '~/hello-py/Dockerfile', 'kept')).toBe(changed);

  // Asked again and answered "Replace it" by keyboard: one write based on the version it saw.
  opened = nextOpenFile(page);
  await button.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Replace it' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('Replaced hello-py/Dockerfile.');
  expect(await opened).toEqual({ node: 1, path: 'hello-py/Dockerfile' });
  expect(writes).toHaveLength(2);
  expect(writes[1]!.base).toMatch(/\S/);
  expect(await sandboxSha(page, '~/hello-py/Dockerfile', 'replaced')).toBe(sha256(expected));

  // The Korean lesson, on the same sandbox, sees the file already there.
  await page.goto('/ko/images/first-dockerfile');
  const koButton = page.locator('[data-file-block="hello-py/Dockerfile"]').getByTestId('file-block-create');
  // The block looks at the sandbox when it comes into view.
  await koButton.scrollIntoViewIfNeeded();
  await expect(koButton).toHaveText('편집기에서 열기', { timeout: 30_000 });
  const koApp = page.locator('[data-file-block="hello-py/app.py"]').getByTestId('file-block-create');
  await koApp.scrollIntoViewIfNeeded();
  await expect(koApp).toHaveText('이 파일 만들기');
});

test('the files a block creates, a mistake made and fixed in the editor, and the lesson’s build and check pass', async ({ page }) => {
  await openLessonTerminal(page, '/en/images/first-dockerfile');
  for (const path of ['hello-py/app.py', 'hello-py/index.html', 'hello-py/Dockerfile']) {
    const block = page.locator(`[data-file-block="${path}"]`);
    await block.getByTestId('file-block-create').click();
    await expect(block.getByTestId('file-block-status')).toHaveText(`Created ${path} in your sandbox.`);
  }
  // The last block opened its Dockerfile in the editor: a typo there is underlined with its message.
  const editor = page.locator('[data-testid="file-editor"][data-path="hello-py/Dockerfile"]');
  await expect(editor).toHaveAttribute('data-state', 'text');
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.type('FOR');
  const mistake = page.locator('.cm-lintRange-error').filter({ hasText: 'FORM' });
  await expect(mistake).toBeVisible();
  await mistake.hover();
  await expect(page.locator('.cm-tooltip-lint')).toContainText('Unknown instruction: FORM');
  // Fixed and saved: the underline goes, and the sandbox holds the lesson's Dockerfile again.
  await editor.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('FROM python:3-slim');
  await expect(page.locator('.cm-lintRange-error')).toHaveCount(0);
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('save-status')).toHaveText('Saved');
  await showShell(page);
  await typeCommand(page, 'cd ~/hello-py && docker build -q -t hello-py:1.0 . && docker run --rm hello-py:1.0');
  await waitForText(page, /Hello from Python 3\.\d+\.\d+!\s+I am appuser, working in \/app/, 120_000);
  const check = page.locator('[data-check="hello-py-built"]');
  await check.getByRole('button', { name: 'Check my work' }).click();
  await expect(check).toHaveAttribute('data-state', 'passed', { timeout: 30_000 });
});

test('without a sandbox the button says to open the terminal first, in the learner’s language', async ({ page }) => {
  // No session, so no sandbox: the real server answers the button with noSandbox.
  await page.route('**/api/session**', (route) => route.abort());
  await page.goto('/ko/images/first-dockerfile');
  const block = page.locator('[data-file-block="hello-py/app.py"]');
  await block.getByTestId('file-block-create').click();
  await expect(block.getByTestId('file-block-status')).toHaveText('먼저 터미널을 여세요. 파일은 터미널과 함께 시작되는 샌드박스에 만들어집니다.');
});
