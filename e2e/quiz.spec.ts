import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

// A lesson with one check and three quizzes: four steps on the course page.
const lesson = 'architecture/client-and-daemon';
const lessonPath = `/en/${lesson}`;

/** What the server has recorded for this learner in this lesson. */
async function passed(page: Page): Promise<string[]> {
  const progress = (await (await page.request.get('/api/progress')).json()) as { passed: Record<string, string[]> };
  return progress.passed[lesson] ?? [];
}

/** A POST from the page itself, as the quiz makes it (same origin, the learner's cookie). */
function postQuiz(page: Page, body: unknown) {
  return page.evaluate(async (payload) => {
    await fetch('/api/session', { method: 'POST' });
    const response = await fetch('/api/quiz', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }, body);
}

test('a wrong answer explains what was chosen and counts nothing; a right one passes, stays passed and counts on the course page', async ({ page }) => {
  const response = await page.goto(lessonPath);
  // The page holds the question and the options, never which are right nor why.
  const html = await response!.text();
  expect(html).toContain('Which piece downloads it?');
  expect(html).not.toContain('pulls what is missing from the registry');
  expect(html).not.toContain('It is the daemon that asks');
  expect(html).not.toMatch(/"explain\\*":|"correct\\*":true/);

  const quiz = page.locator('[data-quiz="who-pulls"]');
  const group = quiz.getByRole('group', { name: /Which piece downloads it\?/ });
  await expect(group).toContainText('Choose one answer.');
  await group.getByRole('radio', { name: 'The docker client' }).check();
  await quiz.getByRole('button', { name: 'Check my answer' }).click();

  // Wrong, told in words and an icon, with the chosen option's reason only: the right one is not given away.
  await expect(quiz.getByRole('status')).toHaveText('✗ Not quite. Read the explanation and try again.');
  await expect(quiz.locator('[data-verdict]')).toHaveCount(1);
  await expect(quiz.locator('[data-verdict="wrong"]')).toHaveText(/^Wrong: The client only turns your command into API requests/);
  await expect(quiz.locator('[data-verdict] svg')).toHaveCount(1);
  await expect(group.getByRole('radio', { name: 'The docker client' })).toHaveAccessibleDescription(/Wrong: The client only turns/);
  expect(await passed(page)).toEqual([]);

  // Try again: the choice and the verdict go, the keyboard's focus comes back to the first option.
  await quiz.getByRole('button', { name: 'Try again' }).click();
  await expect(quiz.locator('[data-verdict]')).toHaveCount(0);
  await expect(group.getByRole('radio', { name: 'The docker client' })).toBeFocused();
  await expect(group.getByRole('radio', { checked: true })).toHaveCount(0);

  await group.getByRole('radio', { name: 'The daemon, dockerd' }).check();
  await quiz.getByRole('button', { name: 'Check my answer' }).click();
  await expect(quiz.getByRole('status')).toHaveText('✓ Right! Read why each answer is right or wrong.');
  // Now every option is explained, the right one as right.
  await expect(quiz.locator('[data-verdict]')).toHaveCount(3);
  await expect(quiz.locator('[data-verdict="right"]')).toHaveText(/^Right: The daemon looks in its local image store/);
  expect(await passed(page)).toEqual(['who-pulls']);

  // On reload the quiz shows as done, from the learner's progress.
  await page.reload();
  await expect(quiz).toHaveAttribute('data-state', 'passed');
  await expect(quiz.getByRole('status')).toHaveText('✓ You answered this quiz correctly.');
  await quiz.getByRole('button', { name: 'Answer again' }).click();
  await expect(quiz.getByRole('button', { name: 'Check my answer' })).toBeVisible();
  await expect(group.getByRole('radio').first()).toBeFocused();

  // The course page counts it as one of the lesson's four steps (its check and three quizzes).
  await page.goto('/en');
  const row = page.getByTestId('module').locator('li', { has: page.getByRole('link', { name: 'How Docker is built', exact: true }) });
  await expect(row).toContainText('1/4');
  await expect(row).toContainText('1 of 4 steps done');
});

test('a quiz is answered by keyboard alone: arrows in a radio group, Space on checkboxes, Enter to submit', async ({ page }) => {
  await page.goto(lessonPath);
  const single = page.locator('[data-quiz="socket-is-root"]');
  // Into the radio group from the quiz before it: the first option takes the focus, the arrow chooses the next.
  await page.locator('[data-quiz="who-pulls"]').getByRole('button', { name: 'Check my answer' }).focus();
  await page.keyboard.press('Tab');
  await expect(single.getByRole('radio').first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(single.getByRole('radio', { name: /Whoever talks to it controls the daemon/ })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(single.getByRole('button', { name: 'Check my answer' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(single).toHaveAttribute('data-state', 'passed');

  const multiple = page.locator('[data-quiz="docker-objects"]');
  await expect(multiple.getByRole('group')).toContainText('Choose every answer that is right.');
  await page.keyboard.press('Tab'); // The registry
  await expect(multiple.getByRole('checkbox', { name: 'The registry' })).toBeFocused();
  await page.keyboard.press('Tab'); // Images
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab'); // The docker command
  await page.keyboard.press('Tab'); // Volumes
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(multiple.getByRole('button', { name: 'Check my answer' })).toBeFocused();

  // Only one of the two right answers first: what was chosen is right, and something is missing.
  await multiple.getByRole('checkbox', { name: 'Volumes' }).uncheck();
  await multiple.getByRole('button', { name: 'Check my answer' }).focus();
  await page.keyboard.press('Enter');
  await expect(multiple.getByRole('status')).toHaveText('✗ Everything you chose is right, but a right answer is still missing.');
  await expect(multiple.locator('[data-verdict]')).toHaveCount(1);

  await multiple.getByRole('checkbox', { name: 'Volumes' }).focus();
  await page.keyboard.press('Space');
  await multiple.getByRole('button', { name: 'Check my answer' }).focus();
  await page.keyboard.press('Enter');
  await expect(multiple).toHaveAttribute('data-state', 'passed');
  expect((await passed(page)).sort()).toEqual(['docker-objects', 'socket-is-root']);
});

test('the server refuses a quiz it does not know and answers of the wrong shape, and records nothing', async ({ page }) => {
  await page.goto(lessonPath);
  await expect(page.locator('[data-quiz="who-pulls"]')).toBeVisible();
  const refusals = [
    [{ path: lessonPath, id: 'no-such-quiz', answer: [0] }, 404, /no such quiz/],
    [{ path: '/en/architecture/first-container', id: 'who-pulls', answer: [1] }, 404, /no such quiz/],
    [{ path: lessonPath, id: 'who-pulls', answer: [7] }, 400, /option 7 does not exist/],
    [{ path: lessonPath, id: 'who-pulls', answer: [0, 1] }, 400, /takes one option/],
    [{ path: lessonPath, id: 'who-pulls', answer: '1' }, 400, /list of option indexes/],
    [{ path: lessonPath, id: 'who-pulls', answer: [] }, 400, /at least one/],
  ] as const;
  for (const [body, status, message] of refusals) {
    const answer = await postQuiz(page, body);
    expect(answer.status, JSON.stringify(body)).toBe(status);
    expect(String(answer.body.error)).toMatch(message);
  }
  expect(await passed(page)).toEqual([]);
  // From another origin, nothing is graded at all.
  const foreign = await page.request.post('/api/quiz', { headers: { origin: 'http://evil.example' }, data: { path: lessonPath, id: 'who-pulls', answer: [1] } });
  expect(foreign.status()).toBe(403);
  expect(await passed(page)).toEqual([]);
});

test('the quiz reads in Korean and passes axe in both themes, answered', async ({ page }) => {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('/ko/architecture/client-and-daemon');
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(theme === 'dark');
    const quiz = page.locator('[data-quiz="docker-objects"]');
    await expect(quiz.getByRole('group')).toContainText('맞는 답을 모두 고르세요.');
    await quiz.getByRole('checkbox', { name: '레지스트리' }).check();
    await quiz.getByRole('checkbox', { name: '이미지' }).check();
    await quiz.getByRole('button', { name: '답 확인' }).click();
    await expect(quiz.getByRole('status')).toHaveText('✗ 아쉽지만 틀렸습니다. 설명을 읽고 다시 풀어 보세요.');
    await expect(quiz.locator('[data-verdict="wrong"]')).toHaveText(/^틀림: 레지스트리는 별도의 서비스/);
    await expect(quiz.locator('[data-verdict="right"]')).toHaveText(/^맞음: 이미지는/);
    const { violations } = await new AxeBuilder({ page }).include('[data-quiz="docker-objects"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(violations.map((v) => `[${theme}] ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
});
