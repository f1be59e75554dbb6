import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Browser tests that stop the sandbox engine under everyone: run by themselves, after the others, each
// with a server of its own.
export default defineConfig({ ...base, testMatch: '*.alone.ts', webServer: undefined });
