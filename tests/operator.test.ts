import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, mayScrape } from '@/lib/server/metrics';
import { createOperator } from '@/lib/server/operator';
import { createRouter } from '@/lib/server/routes';
import { courseMetricNames } from './metric-names';

const metricNames = [...courseMetricNames, 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds'];

/** One sample's value in Prometheus text, by its name and labels as printed. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('the metrics', () => {
  it('render every metric in Prometheus text, gauges read at scrape time and counters as counted', async () => {
    let counts = { leased: 3, pooled: 2, starting: 1, queued: 4 };
    const metrics = createMetrics({ sandboxes: () => counts, openSockets: () => 5, classesLive: () => 1 });
    metrics.sandboxStarted(1200);
    metrics.sandboxStarted(7000);
    metrics.checkRan(true);
    metrics.checkRan(false);
    metrics.checkRan(true);
    metrics.terminalOutput(100);
    metrics.terminalOutput(23);
    metrics.watchdogEvent('stalled');
    metrics.watchdogEvent('stalled');
    metrics.watchdogEvent('forkBomb');
    const text = await metrics.render();
    for (const name of metricNames) expect(text).toContain(`# TYPE ${name} `);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'course_sandboxes_leased')).toBe(3);
    expect(sample(text, 'course_sandboxes_queued')).toBe(4);
    expect(sample(text, 'course_websockets_open')).toBe(5);
    expect(sample(text, 'course_classes_live')).toBe(1);
    expect(sample(text, 'course_checks_total')).toBe(3);
    expect(sample(text, 'course_checks_passed_total')).toBe(2);
    expect(sample(text, 'course_terminal_output_bytes_total')).toBe(123);
    expect(sample(text, 'course_watchdog_events_total{kind="stalled"}')).toBe(2);
    expect(sample(text, 'course_watchdog_events_total{kind="forkBomb"}')).toBe(1);
    expect(sample(text, 'course_sandbox_start_seconds_count')).toBe(2);
    expect(sample(text, 'course_sandbox_start_seconds_bucket{le="1.5"}')).toBe(1);
    expect(sample(text, 'course_sandbox_start_seconds_sum')).toBeCloseTo(8.2);
    counts = { ...counts, leased: 7 };
    expect(sample(await metrics.render(), 'course_sandboxes_leased')).toBe(7);
  });

  it('keep to a registry of their own: two servers in one process never collide', async () => {
    const sources = { sandboxes: () => ({ leased: 0, pooled: 0, starting: 0, queued: 0 }), openSockets: () => 0, classesLive: () => 0 };
    const one = createMetrics(sources);
    const two = createMetrics(sources);
    one.checkRan(true);
    expect(sample(await two.render(), 'course_checks_total')).toBe(0);
  });

  it('are open without a token, and with one only to the exact Bearer header', () => {
    expect(mayScrape(undefined, null)).toBe(true);
    expect(mayScrape('Bearer anything', null)).toBe(true);
    expect(mayScrape(undefined, 's3cret')).toBe(false);
    expect(mayScrape('', 's3cret')).toBe(false);
    expect(mayScrape('Bearer s3cre', 's3cret')).toBe(false);
    expect(mayScrape('Bearer s3cret2', 's3cret')).toBe(false);
    expect(mayScrape('bearer s3cret', 's3cret')).toBe(false);
    expect(mayScrape('s3cret', 's3cret')).toBe(false);
    expect(mayScrape('Bearer s3cret', 's3cret')).toBe(true);
  });
});

describe('the operators’ endpoints', () => {
  let now = 0;
  let pings = 0;
  let engineUp = true;
  let hang = false;
  let ready = true;
  const servers: Server[] = [];

  async function serve(metricsToken: string | null, cell?: { name: string; draining: () => boolean }) {
    const metrics = createMetrics({ sandboxes: () => ({ leased: 2, pooled: 1, starting: 0, queued: 1 }), openSockets: () => 0, classesLive: () => 0 });
    const { routes } = createOperator({
      capacity: 10,
      metricsToken,
      ready: () => ready,
      ping: () => {
        pings++;
        if (hang) return new Promise(() => {});
        return engineUp ? Promise.resolve() : Promise.reject(new Error('connect ENOENT'));
      },
      // One learner holds a lab of three, another a single sandbox.
      counts: () => ({ leased: 2, nodes: 4, pooled: 1, queued: 1, warm: 2 }),
      metrics,
      cell,
      now: () => now,
    });
    const handle = createRouter(routes, { allowedOrigins: [], allow: () => true });
    const server = createServer((request, response) => {
      if (!handle(request, response)) response.writeHead(404).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  let open: string;
  let guarded: string;
  let draining = false;
  let cell: string;
  beforeAll(async () => {
    open = await serve(null);
    guarded = await serve('s3cret');
    cell = await serve(null, { name: 'cell-1', draining: () => draining });
  });
  afterAll(() => servers.forEach((server) => server.close()));

  it('/healthz says ready with the capacity left, and asks the engine at most every 2 s however often it is asked', async () => {
    now = 10_000;
    pings = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${open}/healthz`)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await answers[0]!.json()).toEqual({ ready: true, engine: { reachable: true }, capacity: { total: 10, leased: 2, pooled: 1, warm: 2, queued: 1, free: 3 } });
    now += 1999;
    await fetch(`${open}/healthz`);
    expect(pings).toBe(1);
    now += 1;
    await fetch(`${open}/healthz`);
    expect(pings).toBe(2);
  });

  it('/healthz of a cell names it and says whether it takes new learners; draining, it is still healthy', async () => {
    engineUp = true;
    now += 10_000;
    expect((await (await fetch(`${cell}/healthz`)).json()).cell).toEqual({ name: 'cell-1', state: 'open' });
    draining = true;
    const answer = await fetch(`${cell}/healthz`);
    expect([answer.status, (await answer.json()).cell]).toEqual([200, { name: 'cell-1', state: 'draining' }]);
    // A server of one machine says nothing of cells.
    expect(await (await fetch(`${open}/healthz`)).json()).not.toHaveProperty('cell');
  });

  it('/healthz answers 503 when the engine does not answer, or answers too slowly, and when the server is not ready', async () => {
    now += 10_000;
    engineUp = false;
    let answer = await fetch(`${open}/healthz`);
    expect([answer.status, (await answer.json()).engine]).toEqual([503, { reachable: false }]);
    now += 10_000;
    hang = true;
    answer = await fetch(`${open}/healthz`);
    expect([answer.status, (await answer.json()).engine]).toEqual([503, { reachable: false }]);
    hang = false;
    engineUp = true;
    now += 10_000;
    expect((await fetch(`${open}/healthz`)).status).toBe(200);
    ready = false;
    answer = await fetch(`${open}/healthz`);
    expect([answer.status, (await answer.json()).ready]).toEqual([503, false]);
    ready = true;
  });

  it('/metrics without a token setting answers anyone in Prometheus text', async () => {
    const answer = await fetch(`${open}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await answer.text()).toContain('course_sandboxes_leased 2');
  });

  it('/metrics with a token setting answers 401 without the token or with a wrong one, and the metrics with it', async () => {
    const refused = await fetch(`${guarded}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.text()).not.toContain('course_');
    expect((await fetch(`${guarded}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const allowed = await fetch(`${guarded}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('course_sandboxes_queued 1');
    // Health stays open: a load balancer has no token.
    expect((await fetch(`${guarded}/healthz`)).status).toBe(200);
  });
});
