import type { Engine } from '../lib/sandbox/engine';
import type { Row } from './page-weight';
import { within } from '../tests/wait-for';
import { ms, percentile } from './stats';
import { findSandboxWithTab, openTerminal } from './terminal';

/** A small page through the preview proxy against the same page fetched straight from the sandbox. */
export async function previewBench(baseUrl: string, engine: Engine, instance: string, network: string, samples: number): Promise<Row[]> {
  console.error('preview: proxy overhead');
  const terminal = await openTerminal(baseUrl, 'preview');
  const published = new Promise<string>((resolve) => terminal.onPorts((ports) => ports.find((p) => p.port === 8080) && resolve(ports.find((p) => p.port === 8080)!.url)));
  terminal.type('docker run -d -p 8080:80 nginx\r');
  const path = await within('port 8080 to be published', published, 60_000);
  const address = await engine.address(await findSandboxWithTab(engine, instance, 'preview'), network);
  const time = async (url: string, headers: Record<string, string> = {}) => {
    const start = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return performance.now() - start;
  };
  // Warm both paths (the first answers may wait for the port to be forwarded), then alternate.
  for (let i = 0; i < 20; i++) await time(`${baseUrl}${path}`, { cookie: terminal.cookie }).catch(() => new Promise((r) => setTimeout(r, 250)));
  const direct: number[] = [];
  const proxied: number[] = [];
  for (let i = 0; i < samples; i++) {
    direct.push(await time(`http://${address}:8080/`));
    proxied.push(await time(`${baseUrl}${path}`, { cookie: terminal.cookie }));
  }
  terminal.ws.close();
  const overhead = percentile(proxied, 95) - percentile(direct, 95);
  return [
    { measure: `nginx's start page through the preview, p50/p95 (n=${samples})`, value: `${ms(percentile(proxied, 50))} / ${ms(percentile(proxied, 95))}`, target: '' },
    { measure: 'the same page straight from the sandbox, p50/p95', value: `${ms(percentile(direct, 50))} / ${ms(percentile(direct, 95))}`, target: '' },
    { measure: 'preview proxy overhead at p95', value: `${overhead.toFixed(1)} ms`, target: '≤ 10 ms' },
  ];
}
