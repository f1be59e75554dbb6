import { expect, test } from '@playwright/test';
import { OwnServer } from './own-server';
import { terminalText, typeCommand, waitForText } from './terminal-helpers';

// A server of its own, so the test can kill it the hard way.
const server = new OwnServer('restart', 1);
const base = server.base;

test('after the server is killed with SIGKILL and restarted, the learner finds the same shell and no sandbox is orphaned', async ({ page }) => {
  test.setTimeout(180_000);
  try {
    await server.start();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${base}/en/virtualization/from-vms-to-containers`);
    const status = page.getByTestId('terminal-status');
    await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await page.getByTestId('terminal').click();
    await typeCommand(page, 'export SURVIVOR=yes; sleep 9999 & echo "started-$((1+1))"');
    await waitForText(page, /started-2/);
    // A passed step is saved on the server.
    await typeCommand(page, 'docker pull -q debian >/dev/null && echo "pulled-$((2+3))"');
    await waitForText(page, /pulled-5/, 60_000);
    const check = page.locator('[data-check="debian-image"]');
    await check.getByRole('button', { name: 'Check my work' }).click();
    await expect(check).toHaveAttribute('data-state', 'passed', { timeout: 30_000 });
    const before = await server.sandboxes();
    expect(before).toHaveLength(1);

    server.stop('SIGKILL');
    await expect(status).toHaveAttribute('data-state', /reconnecting|connecting/, { timeout: 15_000 });
    await server.start();
    await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await page.getByTestId('terminal').click();
    await typeCommand(page, 'echo "survivor=$SURVIVOR jobs=$(jobs | grep -c sleep)"');
    await waitForText(page, /survivor=yes jobs=1/);
    expect((await terminalText(page)).match(/^started-2$/gm)).toHaveLength(1);
    expect((await server.sandboxes()).map((s) => s.id)).toEqual(before.map((s) => s.id));

    // The saved step outlived the server: on the lesson after a reload, and on the course page.
    await page.reload();
    await expect(page.locator('[data-check="debian-image"]')).toHaveAttribute('data-state', 'passed');
    await page.goto(`${base}/en`);
    const resume = page.getByTestId('resume');
    await expect(resume).toContainText('Continue where you left off: From virtual machines to containers');
    await expect(page.getByTestId('module').first().getByText('1/5')).toBeVisible();

    // A private link carries the progress to another browser.
    await resume.getByRole('button', { name: 'Continue in another browser' }).click();
    const link = (await page.getByTestId('carry-link').textContent())!;
    const other = await page.context().browser()!.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(link);
    await expect(otherPage).toHaveURL(/\/en$|\/ko$/);
    await expect(otherPage.getByTestId('resume')).toBeVisible();
    await other.close();
  } finally {
    server.stop('SIGKILL');
    await server.close();
  }
});
