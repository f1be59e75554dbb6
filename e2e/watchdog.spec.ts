import { expect, test, type Locator, type Page } from '@playwright/test';
import { en } from '../lib/i18n/en';
import { ko } from '../lib/i18n/ko';
import { openLessonTerminal, typeCommand, waitForText } from './terminal-helpers';

/** Back in the shell after a notice's button had the focus, types a command. */
async function inShell(page: Page, command: string) {
  await page.getByTestId('terminal').click();
  await typeCommand(page, command);
}

/** Presses a notice's button from the keyboard, as a learner who does not use a mouse would. */
async function press(notice: Locator, name: string) {
  const button = notice.getByRole('button', { name });
  await button.focus();
  await expect(button).toBeFocused();
  await notice.page().keyboard.press('Enter');
}

for (const [locale, words] of [['en', en], ['ko', ko]] as const) {
  const t = words.terminal.troubles;

  test(`the watchdog tells of a stopped daemon, a full disk and a memory kill, with the way out (${locale})`, async ({ page }) => {
    test.setTimeout(240_000);
    await openLessonTerminal(page, `/${locale}/virtualization/from-vms-to-containers`);
    const status = page.getByTestId('terminal-status');

    await typeCommand(page, 'docker pull -q busybox && pkill -9 dockerd');
    const daemon = page.getByTestId('trouble-daemon');
    await expect(daemon).toContainText(t.daemon.title, { timeout: 20_000 });
    await expect(status).toContainText(t.daemon.title);
    await press(daemon, t.daemon.action);
    await expect(daemon).toContainText(t.daemon.done, { timeout: 60_000 });
    await inShell(page, 'docker images --format "image {{.Repository}}"');
    await waitForText(page, /image busybox/);
    await press(daemon, t.dismiss);
    await expect(daemon).toHaveCount(0);

    await inShell(page, 'docker run --name filler busybox dd if=/dev/zero of=/big bs=1M count=900');
    const disk = page.getByTestId('trouble-disk');
    await expect(disk).toContainText(t.disk.areas.docker, { timeout: 60_000 });
    await expect(disk).toContainText(t.disk.usage);
    await press(disk, t.disk.action);
    await expect(disk).toContainText(t.disk.confirm);
    await press(disk, t.disk.confirmAction);
    await expect(disk).toContainText(/reclaimed/i, { timeout: 60_000 });

    await inShell(page, 'docker run --rm busybox sh -c "head -c 2000m /dev/zero | tail"');
    const memory = page.getByTestId('trouble-memory');
    await expect(memory).toContainText(t.memory.title, { timeout: 60_000 });
    await expect(memory).toContainText('1 GiB');
    await press(memory, t.dismiss);
    await expect(memory).toHaveCount(0);
  });
}

test('a fork bomb is told within seconds, and stopping the runaway processes keeps files, images and containers', async ({ page }) => {
  test.setTimeout(120_000);
  const t = en.terminal.troubles;
  await openLessonTerminal(page);
  await typeCommand(page, 'echo kept > notes.txt && docker run -d --name other busybox sleep 1d && echo started');
  await waitForText(page, /^started$/m, 60_000);
  await typeCommand(page, ':(){ :|:& };:');
  const notice = page.getByTestId('trouble-processes');
  await expect(notice).toContainText(t.processes.title, { timeout: 10_000 });
  await press(notice, t.processes.action);
  await expect(notice).toContainText(/Stopped \d+ processes started from your terminal/, { timeout: 30_000 });
  await inShell(page, 'clear; cat notes.txt; docker ps --format "running {{.Names}}"');
  await waitForText(page, /^kept$/m);
  await waitForText(page, /^running other$/m);
});
