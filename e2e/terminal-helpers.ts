import { expect, type Page } from '@playwright/test';

/** The terminal's buffer as text, read through the hook the terminal exposes for tests. */
export const terminalText = (page: Page) =>
  page.evaluate(() => (window as unknown as { __courseTerminal?: { text(): string } }).__courseTerminal?.text() ?? '');

export async function waitForText(page: Page, pattern: RegExp | string, timeout = 30_000) {
  await expect.poll(() => terminalText(page), { timeout }).toMatch(pattern);
}

export async function openLessonTerminal(page: Page, path = '/en/virtualization/from-vms-to-containers') {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(path);
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('terminal').click();
}

/** Types a command into the terminal as a learner would, and presses Enter. */
export async function typeCommand(page: Page, command: string) {
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/** Every text the terminal's status line shows from now on, kept in the page for the test to read. */
export async function recordStatus(page: Page) {
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid="terminal-status"]')!;
    const seen: string[] = ((window as unknown as { __statusSeen: string[] }).__statusSeen = []);
    new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { subtree: true, childList: true, characterData: true });
  });
}
export const statusSeen = (page: Page) => page.evaluate(() => (window as unknown as { __statusSeen: string[] }).__statusSeen.join('\n'));
