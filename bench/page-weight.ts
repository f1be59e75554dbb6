import { launchChromium } from './browser';

export interface Row {
  measure: string;
  value: string;
  target: string;
}

/** JavaScript a lesson page loads before the terminal does: what every learner pays on arrival. */
export async function pageWeight(baseUrl: string, path: string): Promise<Row[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const scripts: { url: string; transferred: number; decoded: number }[] = [];
    page.on('requestfinished', async (request) => {
      if (request.resourceType() !== 'script') return;
      const sizes = await request.sizes();
      const response = await request.response();
      scripts.push({ url: request.url(), transferred: sizes.responseBodySize, decoded: (await response?.body())?.length ?? 0 });
    });
    await page.goto(baseUrl + path, { waitUntil: 'networkidle' });
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const sum = (key: 'transferred' | 'decoded') => scripts.reduce((total, s) => total + s[key], 0);
    return [
      { measure: `lesson page JS files (${path})`, value: String(scripts.length), target: '' },
      { measure: 'lesson page JS, compressed on the wire', value: kib(sum('transferred')), target: '≤ 250 KiB' },
      { measure: 'lesson page JS, uncompressed', value: kib(sum('decoded')), target: '' },
    ];
  } finally {
    await browser.close();
  }
}
