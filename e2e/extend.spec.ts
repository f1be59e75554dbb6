import { expect, test } from '@playwright/test';
import { OwnServer } from './own-server';

// A server of its own with minutes short enough to watch: a sandbox has 1 minute, is warned 1.5 minutes
// ahead (so at once), can get 1 more minute, and 2 in all.
const server = new OwnServer('short', 50, {
  COURSE_SANDBOX_TTL_MINUTES: '1',
  COURSE_SANDBOX_WARN_MINUTES: '1.5',
  COURSE_SANDBOX_EXTEND_MINUTES: '1',
  COURSE_SANDBOX_MAX_MINUTES: '2',
});
const base = server.base;
test.beforeAll(() => server.start());
test.afterAll(() => server.close());

test('the time-limit warning offers more time from the keyboard, and says plainly when there is no more', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${base}/en/virtualization/from-vms-to-containers`);
  const status = page.getByTestId('terminal-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const warning = page.getByTestId('terminal-warning');
  await expect(warning).toContainText('reaches its time limit in', { timeout: 15_000 });
  const add = warning.getByRole('button', { name: 'Add 1 minute' });

  // From the shell, Escape and Shift+Tab reach the button; Enter presses it.
  await page.getByTestId('terminal').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await expect(add).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(warning).toBeHidden({ timeout: 10_000 });
  await expect(status).toContainText('Sandbox expires in 1 minute');
  // The learner is back in the shell.
  await expect(page.locator('.xterm-helper-textarea')).toBeFocused();

  // A minute before the end of the 2 minutes in all (and 1.5 before, the warning): no button, plain words.
  await expect(warning).toContainText('cannot be given more time', { timeout: 45_000 });
  await expect(warning.getByRole('button')).toHaveCount(0);
});
