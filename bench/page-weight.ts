import { launchChromium } from './browser';

export interface Row {
  measure: string;
  value: string;
  target: string;
}

/** JavaScript a lesson page loads before the terminal, what every learner pays on arrival, and the terminal's own. */
export async function pageWeight(baseUrl: string, path: string): Promise<Row[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const scripts: { transferred: number; decoded: number; beforeLoad: boolean }[] = [];
    let loaded = false;
    page.on('requestfinished', async (request) => {
      if (request.resourceType() !== 'script') return;
      const beforeLoad = !loaded;
      const sizes = await request.sizes();
      const body = await (await request.response())?.body();
      scripts.push({ transferred: sizes.responseBodySize, decoded: body?.length ?? 0, beforeLoad });
    });
    await page.goto(baseUrl + path, { waitUntil: 'load' });
    loaded = true;
    // The terminal's code is fetched after the page is up.
    await page.waitForFunction(() => 'xterm' in document.body.dataset || document.querySelector('.xterm'), null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const sum = (before: boolean, key: 'transferred' | 'decoded') =>
      scripts.filter((s) => s.beforeLoad === before).reduce((total, s) => total + s[key], 0);
    return [
      { measure: 'lesson page JS before the terminal, compressed (uncompressed)', value: `${kib(sum(true, 'transferred'))} (${kib(sum(true, 'decoded'))})`, target: '≤ 250 KiB' },
      { measure: 'terminal JS loaded lazily after the page, compressed', value: kib(sum(false, 'transferred')), target: '' },
    ];
  } finally {
    await browser.close();
  }
}
