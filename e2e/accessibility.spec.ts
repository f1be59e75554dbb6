import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { e2eBase } from './env';

// WCAG 2.1 at levels A and AA, as the course promises.
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const themes = ['light', 'dark'] as const;
type Theme = (typeof themes)[number];

const lesson = '/en/virtualization/from-vms-to-containers';
const ready = (page: Page) => expect(page.getByTestId('terminal-status').first()).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });

// An embed is seen as a school's site shows it: in an iframe of an origin the test server allows
// (COURSE_EMBED_ORIGINS in playwright.config.ts).
const school = { port: 3300, origin: 'http://127.0.0.1:3300' };
const schoolPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>A school</title><h1>Our Docker class</h1>
<iframe src="${e2eBase}/embed/en/architecture/first-container" width="1300" height="820" title="Docker lesson"></iframe></html>`;
let schoolServer: Server | undefined;

/**
 * One state of one page to check with axe: `open` brings a page into that state, and is called again
 * after the theme changed. Add a state here to have it checked in both themes.
 */
interface PageState {
  name: string;
  open(page: Page): Promise<void>;
}

const pageStates: PageState[] = [
  { name: 'course page (en)', open: async (page) => void (await page.goto('/en')) },
  { name: 'course page (ko)', open: async (page) => void (await page.goto('/ko')) },
  { name: 'new class page', open: async (page) => void (await page.goto('/en/teach')) },
  { name: 'join page', open: async (page) => void (await page.goto('/en/join')) },
  { name: 'join page (ko)', open: async (page) => void (await page.goto('/ko/join')) },
  {
    name: 'class dashboard with a learner',
    async open(page) {
      const created = await page.request.post('/api/classes', {
        headers: { origin: e2eBase },
        data: { title: 'Axe check', locale: 'en', lessons: ['virtualization/from-vms-to-containers'], capacity: 5 },
      });
      expect(created.status()).toBe(201);
      const { teach, code } = (await created.json()) as { teach: string; code: string };
      // The browser joins as a learner too, so the dashboard has a row to show.
      await page.goto(`/join/${code}`);
      await page.getByLabel('Your name').fill('Ann');
      await page.getByRole('button', { name: 'Join' }).click();
      await expect(page).toHaveURL(new RegExp(`${lesson}$`));
      await page.goto(teach);
      await expect(page.getByTestId('learner')).toHaveCount(1);
    },
  },
  {
    name: 'lesson with its terminal ready and the state panel open',
    async open(page) {
      await page.goto(lesson);
      await ready(page);
      const panel = page.getByTestId('docker-state');
      if ((await panel.getAttribute('data-open')) !== 'true') await page.getByTestId('docker-state-toggle').click();
      await expect(panel).toHaveAttribute('data-catching-up', 'false', { timeout: 30_000 });
    },
  },
  {
    name: 'lesson with a file open in the editor, beside the state panel',
    async open(page) {
      await page.goto('/en/images/first-dockerfile');
      await ready(page);
      // The lesson's first file block writes its file (or finds it there) and opens it in the editor.
      await page.getByTestId('file-block-create').first().click();
      await expect(page.getByTestId('code-editor')).toBeVisible({ timeout: 30_000 });
      await expect(page.getByTestId('file-tree')).toBeVisible();
      const panel = page.getByTestId('docker-state');
      if ((await panel.getAttribute('data-open')) !== 'true') await page.getByTestId('docker-state-toggle').click();
      await expect(panel).toHaveAttribute('data-catching-up', 'false', { timeout: 30_000 });
    },
  },
  {
    name: 'embedded lesson',
    async open(page) {
      await page.goto(school.origin);
      const frame = page.frameLocator('iframe');
      await expect(frame.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    },
  },
];

/**
 * Chooses the theme: as the theme button does, by the choice it keeps in localStorage, and as a
 * learner's system does, by the colour scheme it prefers. An embed in another site's page may be
 * refused storage, and then follows the system alone.
 */
async function chooseTheme(page: Page, theme: Theme) {
  await page.emulateMedia({ colorScheme: theme });
  for (const frame of page.frames()) {
    await frame.evaluate((choice) => {
      try {
        localStorage.setItem('theme', choice);
      } catch {
        // Refused: the system's preference decides.
      }
    }, theme);
  }
}

/**
 * What axe gets wrong here, each with why. CodeMirror's scroller holds the editor's content, which is
 * contenteditable: it takes the keyboard's focus (the keyboard test below reaches it) and scrolls with
 * the cursor, but axe counts only elements in the tab order as focusable content.
 */
const axeMistakes = [{ rule: 'scrollable-region-focusable', target: '.cm-scroller' }];

/** What axe finds, one line per element: rule, where, and why. */
async function axeFindings(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    // An experimental rule, so not run by its tags alone: a visible label the accessible name leaves out
    // (WCAG 2.5.3) fails those who speak the label to their voice control.
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .withTags(wcagTags)
    .analyze();
  return violations.flatMap((violation) =>
    violation.nodes
      .filter((node) => !axeMistakes.some(({ rule, target }) => rule === violation.id && node.target.join(' > ') === target))
      .map((node) => `${violation.id} at ${node.target.join(' > ')}: ${(node.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`),
  );
}

test.beforeAll(async () => {
  schoolServer = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(schoolPage));
  await new Promise<void>((resolve) => schoolServer!.listen(school.port, '127.0.0.1', resolve));
});
test.afterAll(() => schoolServer?.close());

for (const state of pageStates) {
  test(`axe finds nothing on the ${state.name}, in both themes`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    const findings: string[] = [];
    // A browser that prefers no dark scheme shows the light theme first.
    await state.open(page);
    for (const theme of themes) {
      if (theme !== 'light') {
        await chooseTheme(page, theme);
        // From elsewhere, so that a page only a fragment away (the class dashboard's) loads again.
        await page.goto('about:blank');
        await state.open(page);
      }
      // The page really is in this theme (the site's, and an embed's inside its frame).
      for (const frame of page.frames().filter((f) => f.url().startsWith(e2eBase))) {
        expect(await frame.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(theme === 'dark');
      }
      findings.push(...(await axeFindings(page)).map((finding) => `[${theme}] ${finding}`));
    }
    if (findings.length) console.log(`${state.name}:\n  ${findings.join('\n  ')}`);
    expect(findings).toEqual([]);
  });
}

/** What has the keyboard's focus, and whether it shows. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { kind: 'none', label: 'the page', shown: true, visible: true };
    const label = `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
    const kinds: [string, string][] = [
      ['run', '[data-testid="run-command"]'],
      ['file block', '[data-testid="file-block-create"]'],
      ['terminal tab', '[data-testid="terminal-panel"] [role="tab"]'],
      ['screen reader mode', '[data-testid="terminal-panel"] button[aria-label="Screen reader mode"]'],
      ['terminal', '.xterm-helper-textarea'],
      ['file tree', '[role="treeitem"]'],
      ['editor', '.cm-content'],
      ['state panel toggle', '[data-testid="docker-state-toggle"]'],
    ];
    const kind = kinds.find(([, selector]) => element.matches(selector))?.[0] ?? 'other';
    // The terminal's and the editor's inputs show their focus on the frame around them (the terminal's
    // drawn over it, since xterm's layers would hide an outline).
    const frame = kind === 'terminal' ? element.closest('.xterm')! : kind === 'editor' ? element.closest('.cm-editor')! : element;
    const style = getComputedStyle(frame);
    const over = getComputedStyle(frame, '::after');
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const framed = over.content !== 'none' && over.borderTopStyle !== 'none' && parseFloat(over.borderTopWidth) > 0;
    return { kind, label, shown: outlined || framed || style.boxShadow !== 'none', visible: element.matches(':focus-visible') };
  });
}

/** The keyboard's way through a page: the kinds of stop it made, and the stops that did not show the focus. */
interface Walk {
  stops: string[];
  unseen: string[];
}

/** Presses Tab (or Shift+Tab) until the focus reaches a stop of this kind. */
async function tabTo(page: Page, target: string, walk: Walk, key: 'Tab' | 'Shift+Tab' = 'Tab') {
  for (let presses = 0; presses < 300; presses++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    if (!now.shown || !now.visible) walk.unseen.push(now.label);
    if (now.kind !== 'other' && now.kind !== 'none' && walk.stops.at(-1) !== now.kind) walk.stops.push(now.kind);
    if (now.kind === target) return;
    // Tab inside the terminal belongs to the shell (completion), and in the editor it indents;
    // in both, Escape then Tab leaves.
    if (now.kind === 'terminal' || now.kind === 'editor') await page.keyboard.press('Escape');
  }
  throw new Error(`${key} never reached the ${target}, only ${walk.stops.join(', ')}`);
}

test('the keyboard alone reaches the Run buttons, the terminal tabs, the screen-reader mode, the terminal and the state panel, in order, each with a visible focus', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(lesson);
  await ready(page);

  const walk: Walk = { stops: [], unseen: [] };
  await tabTo(page, 'state panel toggle', walk);
  expect(walk.stops).toEqual(['run', 'terminal tab', 'screen reader mode', 'terminal', 'state panel toggle']);
  // Every stop on the way showed where the focus was, not only these.
  expect(walk.unseen).toEqual([]);

  // The screen-reader mode, passed on the way, works from the keyboard.
  const toggle = page.getByRole('button', { name: 'Screen reader mode' });
  await tabTo(page, 'screen reader mode', walk, 'Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.xterm-accessibility-tree')).toHaveCount(1);
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});

test('the keyboard alone creates a lesson file in the editor, and reaches the file tree and the editor tab, each with a visible focus', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/en/images/first-dockerfile');
  await ready(page);

  const walk: Walk = { stops: [], unseen: [] };
  await tabTo(page, 'file block', walk);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('code-editor')).toBeVisible({ timeout: 30_000 });
  // The file opens with the keyboard's focus in the editor, and the focus shows.
  await expect.poll(async () => (await focused(page)).kind).toBe('editor');
  expect(await focused(page)).toMatchObject({ shown: true, visible: true });
  // Back from there: the file tree, then the tab bar, where the editor's tab is the one chosen.
  await page.keyboard.press('Escape');
  await tabTo(page, 'file tree', walk, 'Shift+Tab');
  await tabTo(page, 'terminal tab', walk, 'Shift+Tab');
  await expect(page.locator(':focus')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(':focus')).toHaveText('Editor');
  expect(walk.unseen).toEqual([]);
});

test('the welcome text wraps at word boundaries in a narrow terminal', async ({ page }) => {
  test.setTimeout(120_000);
  // A wide lesson leaves the terminal some 30 columns, fewer than the welcome's longest line.
  await page.addInitScript(() => localStorage.setItem('lesson-split', '70'));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(lesson);
  await ready(page);

  const motd = readFileSync('images/sandbox/rootfs/etc/motd', 'utf8');
  const words = new Set(motd.split(/\s+/).filter(Boolean));
  const rows = async () => page.locator('[data-testid="terminal"] .xterm-rows > div').allTextContents();
  await expect.poll(async () => (await rows()).join('\n'), { timeout: 30_000 }).toContain('docker run hello-world');

  const shown = await rows();
  // The welcome is all a new terminal shows above its first prompt.
  const welcome = shown.slice(0, shown.findIndex((row) => row.includes('docker run hello-world')) + 1).filter((row) => row.trim());
  // The terminal is narrower than the welcome's longest line, so its paragraphs took more rows.
  expect(welcome.length, shown.join('\n')).toBeGreaterThan(motd.split('\n').filter((line) => line.trim()).length);
  // Every piece of text on those rows is a whole word of the welcome: none was cut across two rows.
  const pieces = welcome.flatMap((row) => row.split(/\s+/).filter(Boolean));
  expect(pieces.filter((piece) => !words.has(piece))).toEqual([]);
});
