import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { encodeClient, Op } from '../lib/terminal-protocol';
import { e2eBase } from './env';

/** Learners who opened the lesson a moment earlier: each a session and a terminal socket, as a browser makes them. */
async function classmates(count: number) {
  const headers = { origin: e2eBase };
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(`${e2eBase}/api/session`, { method: 'POST', headers });
      const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      const ws = new WebSocket(`${e2eBase.replace('http', 'ws')}/ws/terminal?tab=main`, { headers: { ...headers, cookie } });
      ws.on('open', () => ws.send(encodeClient({ op: Op.resize, size: { cols: 80, rows: 24 } })));
      ws.on('error', () => {});
      return { ws, leave: () => fetch(`${e2eBase}/api/sandbox/reset`, { method: 'POST', headers: { ...headers, cookie } }) };
    }),
  );
}

// Nine sandboxes start at once, paced: the last prompt may take a minute on a busy machine.
test.setTimeout(180_000);

test('a learner who arrives in a rush sees their place in the queue and an estimate, then gets a prompt', async ({ page }) => {
  const others = await classmates(8);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/en/virtualization/from-vms-to-containers');
    const status = page.getByTestId('terminal-status');
    await expect(status).toHaveAttribute('data-state', 'queued', { timeout: 30_000 });
    await expect(status).toContainText(/Starting your sandbox: \d+ learners? ahead of you, about \d+ s/);
    // The overlay over the terminal says the same, so it is seen where the learner looks.
    await expect(page.getByText(/learners? ahead of you/).first()).toBeVisible();
    await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  } finally {
    for (const other of others) other.ws.close();
    await Promise.all(others.map((other) => other.leave()));
  }
});
