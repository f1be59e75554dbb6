import { expect, test } from '@playwright/test';
import { courseMetricNames } from '../tests/metric-names';

// What an operator's load balancer and Prometheus see of the real server (which runs with no metrics token).

test('/healthz says the server is ready, its engine answers, and it has room for learners', async ({ request }) => {
  const answer = await request.get('/healthz');
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toContain('application/json');
  const health = await answer.json();
  expect(health).toEqual({
    ready: true,
    engine: { reachable: true },
    capacity: { total: expect.any(Number), leased: expect.any(Number), pooled: expect.any(Number), warm: 0, queued: expect.any(Number), free: expect.any(Number) },
  });
  expect(health.capacity.free).toBeGreaterThan(0);
  expect(health.capacity.free).toBeLessThanOrEqual(health.capacity.total);
  // The server's warm pool (one sandbox in these tests) shows in both views once it is filled.
  await expect.poll(async () => (await (await request.get('/healthz')).json()).capacity.pooled, { timeout: 60_000 }).toBe(1);
  await expect.poll(async () => (await (await request.get('/metrics')).text()).includes('\ncourse_sandboxes_pooled 1\n'), { timeout: 10_000 }).toBe(true);
});

test('/metrics answers in Prometheus text with the course’s metrics and the process’s own', async ({ request }) => {
  const answer = await request.get('/metrics');
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await answer.text();
  for (const name of [...courseMetricNames, 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']) {
    expect(text).toContain(`# TYPE ${name} `);
  }
  expect(text).not.toMatch(/[0-9a-f]{32}/);
});

test('the operators’ endpoints take only GET and are not pages of the site', async ({ request }) => {
  expect((await request.post('/healthz')).status()).toBe(405);
  expect((await request.get('/metrics/')).status()).toBe(200);
});
