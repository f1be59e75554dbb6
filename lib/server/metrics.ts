import '#server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read at scrape time, so a gauge can never drift from what it counts. */
export interface MetricSources {
  sandboxes: () => { leased: number; pooled: number; starting: number; queued: number };
  openSockets: () => number;
  classesLive: () => Promise<number> | number;
}

/** The course's figures for Prometheus, on a registry of their own (nothing a library registers globally leaks in). */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const sandboxGauge = (state: 'leased' | 'pooled' | 'starting' | 'queued', help: string) =>
    new Gauge({
      name: `course_sandboxes_${state}`,
      help,
      registers,
      collect() {
        this.set(sources.sandboxes()[state]);
      },
    });
  sandboxGauge('leased', 'Learners holding a sandbox (a lab counts once).');
  sandboxGauge('pooled', 'Warm sandboxes ready for the next learner.');
  sandboxGauge('starting', 'Sandboxes starting now.');
  sandboxGauge('queued', 'Learners waiting in the queue for a sandbox (a lab counts once).');
  new Gauge({
    name: 'course_websockets_open',
    help: "Open terminal WebSockets: learners' tabs and instructors' views.",
    registers,
    collect() {
      this.set(sources.openSockets());
    },
  });
  new Gauge({
    name: 'course_classes_live',
    help: 'Classes that have begun and not ended.',
    registers,
    async collect() {
      this.set(await sources.classesLive());
    },
  });
  // A cold start takes about 1.5 s on an idle machine and tens of seconds in a rush.
  const starts = new Histogram({ name: 'course_sandbox_start_seconds', help: 'Time from creating a sandbox to its ready shell.', buckets: [0.5, 1, 1.5, 2, 3, 5, 10, 20, 40, 60], registers });
  const checks = new Counter({ name: 'course_checks_total', help: 'Checks learners ran.', registers });
  const passed = new Counter({ name: 'course_checks_passed_total', help: 'Checks that passed.', registers });
  const output = new Counter({ name: 'course_terminal_output_bytes_total', help: 'Bytes of shell output sent to terminals.', registers });
  const watchdog = new Counter({ name: 'course_watchdog_events_total', help: 'What the sandbox watchdog noticed, by kind.', labelNames: ['kind'] as const, registers });

  return {
    sandboxStarted: (ms: number) => starts.observe(ms / 1000),
    checkRan: (didPass: boolean) => {
      checks.inc();
      if (didPass) passed.inc();
    },
    terminalOutput: (bytes: number) => output.inc(bytes),
    watchdogEvent: (kind: string) => watchdog.inc({ kind }),
    contentType: registry.contentType,
    /** The Prometheus text of every metric, collected now. */
    render: () => registry.metrics(),
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether a scrape may read the metrics: anyone when the operator set no token, otherwise only with
 * `Authorization: Bearer <token>`. Digests are compared, so the time taken tells nothing of the token,
 * not even its length.
 */
export function mayScrape(authorization: string | undefined, token: string | null): boolean {
  if (!token) return true;
  return timingSafeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`));
}
