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
