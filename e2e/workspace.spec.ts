import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openLessonTerminal, terminalText, typeCommand, waitForText } from './terminal-helpers';

test.setTimeout(180_000);

const editorTab = (page: Page) => page.getByRole('tab', { name: /^Editor/ });
const workspace = (page: Page) => page.getByTestId('workspace');
const fileEditor = (page: Page, path: string) => page.locator(`[data-testid="file-editor"][data-path="${path}"]`);
const code = (page: Page) => page.locator('[data-testid="code-editor"] .cm-content');
const saveStatus = (page: Page) => page.getByTestId('save-status');

async function openEditor(page: Page) {
  await editorTab(page).click();
  await expect(workspace(page)).toBeVisible();
  // The tree has listed the home folder once.
  await expect(page.getByTestId('file-tree-pane')).toBeVisible();
}

/** New file from the tool bar, named in its form; the editor opens it with the keyboard in it. */
async function newFile(page: Page, name: string) {
  await workspace(page).getByRole('button', { name: 'New file', exact: true }).click();
  await workspace(page).getByLabel(/^Name of the new file/).fill(name);
  await page.keyboard.press('Enter');
  // Two execs in the sandbox (create, then read), late in a suite whose earlier learners' sandboxes still run.
  await expect(fileEditor(page, name)).toHaveAttribute('data-state', 'text', { timeout: 15_000 });
  await expect(code(page)).toBeFocused();
}

/** Back to the shell (tab "Shell 1", or a lab node's tab), where the learner types. */
async function showShell(page: Page, name = 'Shell 1') {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('terminal').click();
}

const editorText = (page: Page) => code(page).evaluate((element) => Array.from(element.querySelectorAll('.cm-line'), (line) => line.textContent).join('\n'));

/** Bytes that are not text: every value, zeros included, in a pattern the test can make again. */
const payload = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) % 256);

/** Drops files made in the page onto an element, as a drag from the learner's computer does. */
async function dropFiles(page: Page, testId: string, files: { name: string; size: number }[]) {
  await page.getByTestId(testId).evaluate((target, files) => {
    const data = new DataTransfer();
    for (const { name, size } of files) data.items.add(new File([Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) % 256)], name));
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files);
}

test('a Dockerfile mistake is underlined with its message, fixed and saved with Ctrl+S, and the shell reads the file', async ({ page }) => {
  await openLessonTerminal(page);
  await openEditor(page);
  await newFile(page, 'Dockerfile');
  await page.keyboard.type('FORM debian\nRUN echo built-from-the-editor\n');

  const mistake = page.locator('.cm-lintRange-error').filter({ hasText: 'FORM' });
  await expect(mistake).toBeVisible();
  await mistake.hover();
  await expect(page.locator('.cm-tooltip-lint')).toContainText('Unknown instruction: FORM');
  await expect(saveStatus(page)).toHaveText('Unsaved changes');

  // Fixed: the underline goes.
  await code(page).click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('FROM debian');
  await expect(page.locator('.cm-lintRange-error')).toHaveCount(0);

  await page.keyboard.press('Control+s');
  await expect(saveStatus(page)).toHaveText('Saved');

  await showShell(page);
  await typeCommand(page, 'cat Dockerfile; echo end-of-file');
  await waitForText(page, /FROM debian\s+RUN echo built-from-the-editor\s+end-of-file/);

  // Asked from the page (as a lesson's file block does), the editor shows the file again.
  await page.evaluate(() => window.dispatchEvent(new CustomEvent('course:open-file', { detail: { node: 1, path: 'Dockerfile' } })));
  await expect(editorTab(page)).toHaveAttribute('aria-selected', 'true');
  await expect(fileEditor(page, 'Dockerfile')).toHaveAttribute('data-state', 'text');
  expect(await editorText(page)).toBe('FROM debian\nRUN echo built-from-the-editor\n');
});

test('a compose.yaml schema mistake is underlined, in Korean for a Korean learner', async ({ page }) => {
  await openLessonTerminal(page, '/ko/virtualization/from-vms-to-containers');
  await page.getByRole('tab', { name: '편집기', exact: true }).click();
  await expect(workspace(page)).toBeVisible();
  await workspace(page).getByRole('button', { name: '새 파일', exact: true }).click();
  await workspace(page).getByLabel(/새 파일의 이름/).fill('compose.yaml');
  await page.keyboard.press('Enter');
  await expect(fileEditor(page, 'compose.yaml')).toHaveAttribute('data-state', 'text', { timeout: 15_000 });
  await page.keyboard.type('services: { web: { image: 1, bogus: true } }');

  await expect(page.locator('.cm-lintRange-error')).toHaveCount(2);
  await page.locator('.cm-lintRange-error').filter({ hasText: 'bogus' }).hover();
  await expect(page.locator('.cm-tooltip-lint')).toContainText('Compose는 이 자리에서 “bogus” 키를 알지 못합니다.');

  // A YAML error comes in the parser's English, marked as English.
  await code(page).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('services: {}\nservices: {}');
  const duplicate = page.locator('.cm-lintRange-error');
  await expect(duplicate).toHaveCount(1);
  await duplicate.hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await expect(tooltip).toContainText('(영어) Map keys must be unique');
  await expect(tooltip.locator('[lang="en"]')).toHaveText(/^Map keys must be unique/);
});

test('a change made in the terminal under unsaved edits is shown as a conflict, and the learner chooses', async ({ page }) => {
  await openLessonTerminal(page);
  await openEditor(page);
  await newFile(page, 'notes.txt');
  await page.keyboard.type('first draft');
  await page.keyboard.press('Control+s');
  await expect(saveStatus(page)).toHaveText('Saved');
  await page.keyboard.type(', edited here');
  await expect(saveStatus(page)).toHaveText('Unsaved changes');

  await showShell(page);
  await typeCommand(page, 'echo "changed in the terminal" > notes.txt; echo written');
  await waitForText(page, /^written$/m);
  await editorTab(page).click();
  const conflict = page.getByTestId('conflict');
  await expect(conflict).toContainText('This file changed in your sandbox', { timeout: 10_000 });
  await conflict.locator('summary').click();
  await expect(page.getByTestId('conflict-theirs')).toHaveText('changed in the terminal\n');

  // Taking the sandbox's version: the editor shows it, nothing is unsaved.
  await conflict.getByRole('button', { name: 'Take the sandbox’s version' }).click();
  await expect(conflict).toHaveCount(0);
  expect(await editorText(page)).toBe('changed in the terminal\n');

  // Again, and this time the learner keeps theirs, which overwrites the sandbox's.
  await code(page).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('mine wins');
  await showShell(page);
  await typeCommand(page, 'echo "second change" >> notes.txt; echo appended');
  await waitForText(page, /^appended$/m);
  await editorTab(page).click();
  await conflict.getByRole('button', { name: 'Keep mine and overwrite' }).click({ timeout: 10_000 });
  await expect(saveStatus(page)).toHaveText('Saved');
  await showShell(page);
  await typeCommand(page, 'cat notes.txt; echo end-of-notes');
  await waitForText(page, /changed in the terminal\s+mine winsend-of-notes/);
  expect(await terminalText(page)).not.toMatch(/^second change$/m);
});

test('files dropped on the tree and on the terminal are uploaded, and one downloads back identical', async ({ page }) => {
  await openLessonTerminal(page);
  await openEditor(page);
  await dropFiles(page, 'file-tree-drop', [
    { name: 'payload.bin', size: 300_000 },
    { name: 'small.bin', size: 10 },
  ]);
  const status = workspace(page).getByTestId('upload-status');
  await expect(status).toContainText('Uploaded 2 files into home folder.');
  const row = page.getByRole('treeitem', { name: 'payload.bin' });
  await expect(row).toBeVisible();

  // Binary: not opened as text, offered as a download.
  await row.click();
  await expect(fileEditor(page, 'payload.bin')).toHaveAttribute('data-state', 'binary');
  await expect(page.getByTestId('not-opened')).toContainText('Binary file, 293 KiB.');

  const [download] = await Promise.all([page.waitForEvent('download'), workspace(page).getByRole('button', { name: 'Download', exact: true }).click()]);
  expect(download.suggestedFilename()).toBe('payload.bin');
  const bytes = readFileSync((await download.path())!);
  expect(Buffer.compare(bytes, Buffer.from(payload(300_000)))).toBe(0);

  // Too large a drop is refused whole, with the reason, and sends nothing.
  const uploads: string[] = [];
  page.on('request', (request) => request.url().includes('/api/files/upload') && uploads.push(request.url()));
  await dropFiles(page, 'file-tree-drop', [{ name: 'huge.bin', size: 11 * 1024 * 1024 }]);
  await expect(status).toContainText('huge.bin is 11 MiB; a file can be at most 10 MiB. Nothing was uploaded.');
  expect(uploads).toEqual([]);

  // Onto the terminal: into the home folder.
  await showShell(page);
  await dropFiles(page, 'terminal-drop', [{ name: 'dropped-on-terminal.bin', size: 2048 }]);
  await expect(page.getByTestId('terminal-drop').getByTestId('upload-status')).toHaveAttribute('data-phase', 'done');
  await typeCommand(page, 'wc -c < dropped-on-terminal.bin; cmp <(head -c 2048 payload.bin) dropped-on-terminal.bin && echo same-bytes');
  await waitForText(page, /^2048$[\s\S]*^same-bytes$/m);
});

test('unsaved changes survive a reload and come back in the editor', async ({ page }) => {
  await openLessonTerminal(page);
  await openEditor(page);
  await newFile(page, 'kept.txt');
  await page.keyboard.type('saved line\n');
  await page.keyboard.press('Control+s');
  await expect(saveStatus(page)).toHaveText('Saved');
  await page.keyboard.type('unsaved line');
  await page.reload();
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await openEditor(page);
  await expect(fileEditor(page, 'kept.txt')).toHaveAttribute('data-state', 'text');
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  expect(await editorText(page)).toBe('saved line\nunsaved line');
  await expect(saveStatus(page)).toHaveText('Unsaved changes');
  await expect(page.getByRole('treeitem', { name: /kept\.txt/ })).toContainText('unsaved changes');
});

test('in a lab the editor follows the node: a file saved on node2 is there in node2’s shell only', async ({ page }) => {
  test.setTimeout(240_000);
  await openLessonTerminal(page, '/en/swarm/first-swarm');
  await showShell(page, 'node2');
  await editorTab(page).click();
  await expect(editorTab(page)).toHaveText('Editor (node2)');
  await expect(workspace(page)).toHaveAttribute('data-node', '2');
  await newFile(page, 'from-the-editor.txt');
  await page.keyboard.type('written on node2');
  await page.keyboard.press('Control+s');
  await expect(saveStatus(page)).toHaveText('Saved');

  await showShell(page, 'node2');
  await typeCommand(page, 'echo "$(hostname): $(cat from-the-editor.txt)"');
  await waitForText(page, /^node2: written on node2$/m);
  await showShell(page, 'node1');
  await typeCommand(page, 'ls from-the-editor.txt 2>/dev/null || echo "not on $(hostname)"');
  await waitForText(page, /^not on node1$/m);
});

test('the editor, its tree and a diagnostic meet WCAG 2.1 AA in both themes, and work by keyboard', async ({ page }) => {
  await openLessonTerminal(page);
  await openEditor(page);
  await newFile(page, 'Dockerfile');
  await page.keyboard.type('FORM debian\n# a comment\nRUN echo "text" 42\n');
  await expect(page.locator('.cm-lintRange-error')).not.toHaveCount(0);
  for (const dark of [false, true]) {
    await page.evaluate((on) => document.documentElement.classList.toggle('dark', on), dark);
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="workspace"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    // CodeMirror's scroller holds the contenteditable that takes the focus; axe counts only tab stops.
    const found = violations.flatMap((v) => v.nodes.filter((n) => !(v.id === 'scrollable-region-focusable' && n.target.join(' ') === '.cm-scroller')).map((n) => `${v.id} ${n.target.join(' ')}`));
    expect(found, dark ? 'dark' : 'light').toEqual([]);
  }

  // Keyboard only: Esc then Tab leaves the editor; the tree takes arrows and Enter.
  await code(page).focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(code(page)).not.toBeFocused();
  await page.getByRole('treeitem', { name: 'Dockerfile' }).focus();
  await page.keyboard.press('Home');
  await expect(page.getByRole('treeitem').first()).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('treeitem').last()).toBeFocused();
  const dockerfile = page.getByRole('treeitem', { name: 'Dockerfile' });
  for (let i = 0; i < 10 && !(await dockerfile.evaluate((row) => row === document.activeElement)); i++) await page.keyboard.press('ArrowUp');
  await expect(dockerfile).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(code(page)).toBeFocused();
});

test('an embedded lesson has the editor too: with its token and no cookie it saves and downloads', async ({ page }) => {
  // The site the operator allows to embed lessons (COURSE_EMBED_ORIGINS in playwright.config.ts).
  const { createServer } = await import('node:http');
  const { e2eBase } = await import('./env');
  const site = createServer((_, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><title>A school</title><iframe id="lesson" src="${e2eBase}/embed/en/architecture/first-container" width="1300" height="820" title="Docker lesson"></iframe>`),
  );
  await new Promise<void>((resolve) => site.listen(3300, '127.0.0.1', resolve));
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('http://127.0.0.1:3300');
    const lesson = page.frameLocator('#lesson');
    await expect(lesson.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await lesson.getByRole('tab', { name: 'Editor' }).click();
    await lesson.getByRole('button', { name: 'New file', exact: true }).click();
    await lesson.getByLabel(/^Name of the new file/).fill('embedded.txt');
    await page.keyboard.press('Enter');
    await expect(lesson.locator('[data-testid="code-editor"] .cm-content')).toBeFocused();
    await page.keyboard.type('saved from an embed');
    await page.keyboard.press('Control+s');
    await expect(lesson.getByTestId('save-status')).toHaveText('Saved');

    const [download] = await Promise.all([page.waitForEvent('download'), lesson.getByRole('button', { name: 'Download', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('embedded.txt');
    expect(readFileSync((await download.path())!, 'utf8')).toBe('saved from an embed');
  } finally {
    site.close();
  }
});
