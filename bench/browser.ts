import { chromium } from '@playwright/test';

/** Debian's Chromium with the flags this machine needs (same as playwright.config.ts). */
export const launchChromium = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
