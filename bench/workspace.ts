import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { launchChromium } from './browser';
import type { Row } from './page-weight';
import { ms, percentile, timed } from './stats';
import { openTerminal } from './terminal';

const uploadBytes = 10 * 1024 * 1024;

/**
 * The workspace's file API as the editor uses it, on a learner's real sandbox: how long a save takes
 * to reach the file in the sandbox, and how fast a 10 MiB file uploads.
 */
export async function workspaceBench(baseUrl: string, samples: number): Promise<Row[]> {
  console.error('workspace: save and upload');
  const terminal = await openTerminal(baseUrl, 'files');
  const headers = { origin: baseUrl, cookie: terminal.cookie };
  const request = async (path: string, init: RequestInit) => {
    const response = await fetch(`${baseUrl}${path}`, { ...init, headers: { ...headers, ...init.headers } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ version: string }>;
  };
  try {
    // Each save names the version it replaces, as the editor's do, so the sandbox compares before it writes.
    const saves: number[] = [];
    let base: string | null = null;
    for (let i = 0; i < samples; i++) {
      const text = `FROM debian\nRUN echo "save ${i}"\n`;
      const [took, saved] = await timed(() => request('/api/files/file', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ node: 1, path: 'bench/Dockerfile', text, base }) }));
      saves.push(took);
      base = saved.version;
      // A learner saves now and then; the API's rate allows a few a second.
      await sleep(250);
    }
    const rates: number[] = [];
    for (let i = 0; i < 3; i++) {
      const body = new Uint8Array(randomBytes(uploadBytes));
      const [took] = await timed(() => request(`/api/files/upload?node=1&path=bench/upload-${i}.bin`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(uploadBytes) }, body }));
      rates.push(uploadBytes / 1e6 / (took / 1000));
      await sleep(250);
    }
    return [
      { measure: `editor save to the file in the sandbox, p50 / p95 (n=${samples})`, value: `${ms(percentile(saves, 50))} / ${ms(percentile(saves, 95))}`, target: 'p95 ≤ 150 ms' },
      { measure: 'upload of a 10 MiB file into the sandbox (median of 3)', value: `${percentile(rates, 50).toFixed(1)} MB/s`, target: '≥ 20 MB/s' },
    ];
  } finally {
    terminal.ws.close();
  }
}

/**
 * Asks the editor to open a file, as a lesson's file block does, and answers how long until its text
 * shows in the editor, on the page's own clock. A string, so the page gets no helper of the TS loader.
 */
const openAndTime = (path: string, text: string) => `new Promise((resolve) => {
  const start = performance.now();
  window.dispatchEvent(new CustomEvent('course:open-file', { detail: { node: 1, path: ${JSON.stringify(path)} } }));
  const shown = () => {
    const editor = document.querySelector('[data-testid="file-editor"][data-path=${JSON.stringify(path)}] .cm-content');
    if (editor && editor.offsetParent !== null && editor.textContent.includes(${JSON.stringify(text)})) resolve(performance.now() - start);
    else requestAnimationFrame(shown);
  };
  shown();
})`;

const writeFile = (page: Page, path: string, text: string) =>
  page.evaluate(
    `fetch('/api/files/file', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ node: 1, path: ${JSON.stringify(path)}, text: ${JSON.stringify(text)} }) }).then((r) => r.status)`,
  );

/**
 * The editor as a learner meets it: the first file opened on a lesson page (its code loading then, as
 * far as idle time has not loaded it yet), and a file opened once the code is in place.
 */
export async function editorBench(baseUrl: string, samples: number): Promise<Row[]> {
  console.error('workspace: editor opened to a file shown');
  const browser = await launchChromium();
  const first: number[] = [];
  const loaded: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/en/images/first-dockerfile`);
      await page.waitForFunction(() => /\$ $/m.test((window as unknown as { __courseTerminal?: { text(): string } }).__courseTerminal?.text().trimEnd() + ' '), null, { timeout: 120_000 });
      for (const name of ['first', 'second']) if ((await writeFile(page, `bench/${name}.txt`, `${name} file ${i}`)) !== 200) throw new Error('the bench could not write its files');
      first.push((await page.evaluate(openAndTime('bench/first.txt', `first file ${i}`))) as number);
      // Back to the shell, as a learner would, then the next file: the editor's code is in place now.
      await page.getByRole('tab', { name: /^Shell 1/ }).click();
      loaded.push((await page.evaluate(openAndTime('bench/second.txt', `second file ${i}`))) as number);
      await page.evaluate(`fetch('/api/sandbox/reset', { method: 'POST' })`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return [
    { measure: `editor opened to a file shown, first time on a page, p50 / p95 (n=${samples})`, value: `${ms(percentile(first, 50))} / ${ms(percentile(first, 95))}`, target: '' },
    { measure: `editor opened to a file shown, its code loaded, p50 / p95 (n=${samples})`, value: `${ms(percentile(loaded, 50))} / ${ms(percentile(loaded, 95))}`, target: 'p95 ≤ 300 ms' },
  ];
}
