import { expect, type Page } from '@playwright/test';

export const classLesson = '/en/virtualization/from-vms-to-containers';

/** An instructor makes a class of the first lesson on the teach page; the class's join code. */
export async function createClass(teacher: Page, title: string): Promise<string> {
  await teacher.setViewportSize({ width: 1440, height: 900 });
  await teacher.goto('/en/teach');
  await teacher.getByLabel('Name of the class').fill(title);
  await teacher.getByLabel('From virtual machines to containers').check();
  await teacher.getByRole('button', { name: 'Create the class' }).click();
  await expect(teacher).toHaveURL(/\/en\/teach\/class#[0-9a-f]{32}\./);
  return (await teacher.getByTestId('join-code').textContent())!;
}

/** A learner joins with the code and lands on the class's lesson, its terminal ready. */
export async function joinClass(page: Page, code: string, name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/join/${code}`);
  await expect(page.getByLabel('Class code')).toHaveValue(code);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page).toHaveURL(new RegExp(`${classLesson}$`));
  await expect(page.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}
