import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Browser tests that bring servers of their own (two cells behind HAProxy) or stop the sandbox engine
// under everyone: run by themselves, after the others.
// One retry: a first page load right after the other suites once waited a minute for its socket (not
// yet explained); the restart itself has not failed.
export default defineConfig({ ...base, testMatch: '*.alone.ts', webServer: undefined, retries: 1 });
