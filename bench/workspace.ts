import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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
