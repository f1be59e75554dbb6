import { expect, test } from '@playwright/test';
import { loadConfig } from '../lib/server/config';
import { Engine } from '../lib/sandbox/engine';
import { e2eInstance } from './env';

const lesson = '/en/virtualization/from-vms-to-containers';
const config = loadConfig({ COURSE_INSTANCE: e2eInstance });
const engine = Engine.connect(config.engine);

test('a class with a start time has its seats warm before it starts, and the dashboard counts them in both languages', async ({ browser }) => {
  test.setTimeout(180_000);
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const [teacher, ann] = await Promise.all(contexts.map((c) => c.newPage()));
  try {
    await teacher!.setViewportSize({ width: 1440, height: 900 });
    await teacher!.goto('/en/teach');
    await teacher!.getByLabel('Name of the class').fill('Tuesday group');
    await teacher!.getByLabel('From virtual machines to containers').check();
    // Five minutes from now, in the browser's own time zone: within the time before a class its seats are warmed.
    const start = await teacher!.evaluate(() => {
      const at = new Date(Date.now() + 5 * 60_000);
      const two = (n: number) => String(n).padStart(2, '0');
      return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
    });
    await teacher!.getByLabel('Starts (optional)').fill(start);
    await teacher!.getByLabel('Seats').fill('2');
    await teacher!.getByRole('button', { name: 'Create the class' }).click();
    await expect(teacher!).toHaveURL(/\/en\/teach\/class#[0-9a-f]{32}\./);
    const classId = new URL(teacher!.url()).hash.slice(1, 33);
    await expect(teacher!.getByText(/Starts at/)).toBeVisible();

    const warm = teacher!.getByTestId('warm-seats');
    await expect(warm).toHaveText('2 seats ready for learners yet to join, 0 starting', { timeout: 90_000 });
    const warmOnEngine = async () => (await engine.list(config.sandbox.instance)).filter((s) => s.name.startsWith(`course-warm-${classId}-`)).length;
    expect(await warmOnEngine()).toBe(2);

    // The same dashboard in Korean.
    const korean = await contexts[0]!.newPage();
    await korean.goto(`/ko/teach/class${new URL(teacher!.url()).hash}`);
    await expect(korean.getByTestId('warm-seats')).toHaveText('아직 참여하지 않은 학습자를 위해 준비된 자리 2개, 준비 중 0개');
    await korean.close();

    // A learner who joins takes a warm seat: one is left.
    const code = (await teacher!.getByTestId('join-code').textContent())!;
    await ann!.goto(`/join/${code}`);
    await ann!.getByLabel('Your name').fill('Ann');
    await ann!.getByRole('button', { name: 'Join' }).click();
    await expect(ann!).toHaveURL(new RegExp(`${lesson}$`));
    await expect(ann!.getByTestId('terminal-status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expect(warm).toHaveText('1 seat ready for learners yet to join, 0 starting', { timeout: 30_000 });

    // Ending the class gives the seat left back.
    teacher!.once('dialog', (dialog) => void dialog.accept());
    await teacher!.getByRole('button', { name: 'End the class' }).click();
    await expect(teacher!.getByTestId('class-ended')).toBeVisible();
    await expect.poll(warmOnEngine, { timeout: 30_000 }).toBe(0);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});
