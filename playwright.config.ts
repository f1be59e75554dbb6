import { defineConfig } from '@playwright/test';
import { e2eInstance as instance, e2ePort as port } from './e2e/env';

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  // On CI a test that fails is run once more and, if it passes then, reported as flaky rather than
  // failing the landing: late in the suite, dozens of learners' sandboxes share two cores.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  // Assertions wait up to 10 s: every step here goes through real sandboxes on two cores.
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://localhost:${port}`,
    // Debian's Chromium: Playwright never downloads a browser of its own here.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  // The real server: Next.js, the sandbox API and the terminal gateway, on the real engine. Each test's
  // learner keeps their sandbox until its idle time, as real learners do, so the capacity holds them all.
  // That idle time is 3 minutes here, not 20: each idle sandbox costs a few percent of a core (its network
  // forwarder polls), and 45 of them left the suite's last tests waiting seconds for every exec.
  webServer: {
    command: 'npx tsx server.ts',
    env: { PORT: String(port), COURSE_STATE_DIR: `.state/${instance}`, COURSE_INSTANCE: instance, COURSE_SANDBOX_POOL: '1', COURSE_SANDBOX_CAPACITY: '100', COURSE_SANDBOX_IDLE_MINUTES: '3', COURSE_SANDBOX_WARN_MINUTES: '1', COURSE_EMBED_ORIGINS: 'http://127.0.0.1:3300' },
    url: `http://localhost:${port}/en`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
