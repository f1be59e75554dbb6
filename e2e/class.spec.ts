import { expect, test, type BrowserContext } from '@playwright/test';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { classLesson, joinClass } from './class-helpers';
import { e2eBase, e2eInstance } from './env';
import { terminalText, typeCommand, waitForText } from './terminal-helpers';

const config = loadConfig({ COURSE_INSTANCE: e2eInstance });
const engine = Engine.connect(config.engine);

/** The learner's session id, from the cookie their browser holds: their sandbox is named after it. */
const sessionOf = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'course_session')?.value.split('.')[0];

test('an instructor runs a class: learners join, the dashboard follows them live, the instructor watches read-only, pins and ends it', async ({ browser }) => {
  test.setTimeout(240_000);
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [teacher, ann, bo] = await Promise.all(contexts.map((c) => c.newPage()));
  try {
    await teacher!.setViewportSize({ width: 1440, height: 900 });
    await teacher!.goto('/en/teach');
    await teacher!.getByLabel('Name of the class').fill('Monday group');
    await teacher!.getByRole('button', { name: 'Create the class' }).click();
    await expect(teacher!.getByTestId('form-error')).toHaveText('Choose at least one lesson.');
    await teacher!.getByLabel('From virtual machines to containers').check();
    await teacher!.getByRole('button', { name: 'Create the class' }).click();
    await expect(teacher!).toHaveURL(/\/en\/teach\/class#[0-9a-f]{32}\./);
    const code = (await teacher!.getByTestId('join-code').textContent())!;
    expect(code).toMatch(/^[A-Z2-9]{6}$/);
    await expect(teacher!.getByText('No one has joined yet')).toBeVisible();

    // A wrong code gets words, not a dead end.
    await ann!.goto('/en/join');
    await ann!.getByLabel('Class code').fill('ZZZZZZ');
    await ann!.getByLabel('Your name').fill('Ann');
    await ann!.getByRole('button', { name: 'Join' }).click();
    await expect(ann!.getByTestId('form-error')).toContainText('No class has this code');

    await joinClass(ann!, code, 'Ann');
    await joinClass(bo!, code, 'Bo');
    const rows = teacher!.getByTestId('learner');
    await expect(rows).toHaveCount(2);
    await expect(teacher!.getByText('2 of 30 seats taken')).toBeVisible();

    // The instructor pins the lesson: learners see where the class is, without reloading.
    await teacher!.getByTestId('pin').selectOption({ label: 'From virtual machines to containers' });
    await expect(ann!.getByTestId('class-banner')).toContainText('The class is here.');
    await expect(bo!.getByTestId('class-banner')).toContainText('Class: Monday group');

    // Ann completes a step; the dashboard shows it live. Bo fails one; it shows as failing.
    await bo!.locator('[data-check="uts-test-exited"]').getByRole('button', { name: 'Check my work' }).click();
    await expect(teacher!.getByTestId('failing')).toContainText('uts-test-exited');
    await ann!.getByTestId('terminal').click();
    await typeCommand(ann!, 'docker pull -q debian >/dev/null && echo "pulled-$((2+3))"');
    await waitForText(ann!, /pulled-5/, 60_000);
    const check = ann!.locator('[data-check="debian-image"]');
    await check.getByRole('button', { name: 'Check my work' }).click();
    await expect(check).toHaveAttribute('data-state', 'passed', { timeout: 30_000 });
    await expect(teacher!.locator('[data-testid="learner"][data-name="Ann"]')).toHaveAttribute('data-done', '1');
    await expect(teacher!.locator('[data-testid="learner"][data-name="Bo"]')).toHaveAttribute('data-done', '0');

    // The read-only view shows Ann's typing as she types, and what the instructor types goes nowhere.
    await teacher!.locator('[data-testid="learner"][data-name="Ann"]').getByRole('button', { name: 'Watch' }).click();
    await expect(teacher!.getByTestId('watch').getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await ann!.getByTestId('terminal').click();
    await typeCommand(ann!, 'echo "watched-$((3*3))"');
    await waitForText(teacher!, /watched-9/);
    await teacher!.getByTestId('watch').getByTestId('terminal').click();
    await typeCommand(teacher!, 'echo "from-teacher-$((4*4))"');
    await ann!.getByTestId('terminal').click();
    await typeCommand(ann!, 'echo "after-$((5*5))"');
    await waitForText(teacher!, /after-25/);
    expect(await terminalText(ann!)).not.toContain('from-teacher');
    expect(await terminalText(teacher!)).not.toContain('from-teacher');

    // What Ann serves, her instructor can open too (and nobody else).
    await typeCommand(ann!, 'docker run -d -p 8080:80 nginx >/dev/null && echo "serving-$((6*7))"');
    await waitForText(teacher!, /serving-42/, 60_000);
    const link = teacher!.getByTestId('watch').getByTestId('preview-link').filter({ hasText: 'Open port 8080' });
    await expect(link).toBeVisible({ timeout: 15_000 });
    const [preview] = await Promise.all([teacher!.context().waitForEvent('page'), link.click()]);
    await expect(preview.getByRole('heading', { name: 'Welcome to nginx!' })).toBeVisible({ timeout: 15_000 });
    const stranger = await browser.newContext();
    const refused = await stranger.request.get(preview.url());
    expect(refused.status()).toBe(403);
    await stranger.close();

    // Ending the class removes its sandboxes; the code takes no one new.
    const sessions = await Promise.all([sessionOf(contexts[1]!), sessionOf(contexts[2]!)]);
    expect(sessions.every(Boolean)).toBe(true);
    const left = async () => (await engine.list(config.sandbox.instance)).filter((s) => sessions.some((session) => session && s.name.includes(session)));
    expect(await left()).toHaveLength(2);
    teacher!.once('dialog', (dialog) => void dialog.accept());
    await teacher!.getByRole('button', { name: 'End the class' }).click();
    await expect(teacher!.getByTestId('class-ended')).toBeVisible();
    await expect(ann!.getByTestId('terminal-status')).toHaveAttribute('data-state', 'closed');
    await expect(ann!.getByText('Your class has ended').first()).toBeVisible();
    await expect(ann!.getByTestId('class-banner')).toContainText('has ended');
    await expect.poll(left, { timeout: 30_000 }).toEqual([]);
    await bo!.goto(`/join/${code}`);
    await bo!.getByLabel('Your name').fill('Bo again');
    await bo!.getByRole('button', { name: 'Join' }).click();
    await expect(bo!.getByTestId('form-error')).toContainText('This class has ended');
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test('a full class says so', async ({ browser, request }) => {
  const created = await request.post('/api/classes', {
    headers: { origin: e2eBase },
    data: { title: 'Tiny', locale: 'en', lessons: ['virtualization/from-vms-to-containers'], capacity: 1 },
  });
  expect(created.status()).toBe(201);
  const { code } = (await created.json()) as { code: string };
  for (const [name, outcome] of [['First', null], ['Second', 'This class is full']] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/en/join?code=${code}`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    if (outcome) await expect(page.getByTestId('form-error')).toContainText(outcome);
    else await expect(page).toHaveURL(new RegExp(`${classLesson}$`));
    await context.close();
  }
});
