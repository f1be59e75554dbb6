import WebSocket from 'ws';
import type { Engine } from '../lib/sandbox/engine';
import { decodeServer, encodeClient, Op, type PublishedPort } from '../lib/terminal-protocol';
import type { Page } from '@playwright/test';
import { launchChromium } from './browser';
import type { Row } from './page-weight';
import { waitFor, within } from '../tests/wait-for';
import { mib, ms, percentile, rssOf } from './stats';

const keystrokes = 200;

/** A learner's socket to the server, as the browser opens it. */
export async function openTerminal(baseUrl: string, tab: string, beforeOpening: (cookie: string) => Promise<void> = async () => {}, cookie?: string) {
  const origin = baseUrl;
  // A new learner's cookies (their session, and behind HAProxy their cell), unless they come back with theirs.
  cookie ??= (await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { origin } })).headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  // A member of a class joins it first, so the warm seats of their class are theirs.
  await beforeOpening(cookie);
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/terminal?tab=${tab}`, { headers: { origin, cookie } });
  // A refused or broken socket closes too, which is what the caller hears.
  ws.on('error', () => {});
  // Its first frame is its size, which the shell starts at.
  ws.on('open', () => ws.send(encodeClient({ op: Op.resize, size: { cols: 120, rows: 40 } })));
  let listener: (text: string) => void = () => {};
  let portsListener: (ports: PublishedPort[]) => void = () => {};
  // Usable once the shell has drawn its prompt (learner@sandbox:~$), not merely once the server says ready.
  let screen = '';
  let prompted = () => {};
  const prompt = new Promise<void>((resolve, reject) => {
    prompted = resolve;
    ws.on('close', (code, reason) => reject(new Error(`the terminal closed (${code} ${reason}) before its prompt`)));
  });
  ws.on('message', (data: Buffer) => {
    const message = decodeServer(new Uint8Array(data));
    if (message.op === Op.ports) portsListener(message.ports);
    if (message.op !== Op.output) return;
    const text = Buffer.from(message.data).toString('latin1');
    screen = (screen + text).slice(-4096);
    if (/learner@sandbox\S*\$ /.test(screen.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-B])/g, ''))) prompted();
    listener(text);
  });
  await within(`a prompt in the terminal tab ${tab}`, prompt, 300_000);
  return {
    ws,
    type: (text: string) => ws.send(encodeClient({ op: Op.input, data: new TextEncoder().encode(text) })),
    onOutput: (fn: (text: string) => void) => (listener = fn),
    onPorts: (fn: (ports: PublishedPort[]) => void) => (portsListener = fn),
    cookie,
  };
}

/** Time from sending one character to seeing it echoed, `keystrokes` times. */
async function echoTimes(type: (text: string) => void, onOutput: (fn: (text: string) => void) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < keystrokes; i++) {
    const char = String.fromCharCode(97 + (i % 26));
    const start = performance.now();
    await within(`the echo of "${char}"`, new Promise<void>((resolve) => {
      onOutput((text) => text.includes(char) && resolve());
      type(char);
    }), 10_000);
    times.push(performance.now() - start);
    if (i % 40 === 39) {
      type('\x15'); // ^U clears the line, so the prompt never wraps
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return times;
}

export async function findSandboxWithTab(engine: Engine, instance: string, tab: string): Promise<string> {
  for (const sandbox of await engine.list(instance)) {
    if ((await engine.run(sandbox.id, ['tmux', 'has-session', '-t', tab])).exitCode === 0) return sandbox.id;
  }
  throw new Error(`no sandbox has the terminal tab ${tab}`);
}


export async function terminalBench(baseUrl: string, engine: Engine, instance: string, serverPid: number, floodMB: number): Promise<Row[]> {
  const rows: Row[] = [];
  console.error('terminal: keystroke echo');
  const terminal = await openTerminal(baseUrl, 'bench');
  await new Promise((r) => setTimeout(r, 500));
  const viaGateway = await echoTimes(terminal.type, terminal.onOutput);

  const exec = await engine.docker.getContainer(await findSandboxWithTab(engine, instance, 'bench')).exec({ Cmd: ['bash'], User: 'learner', Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  let directListener: (text: string) => void = () => {};
  stream.on('data', (chunk: Buffer) => directListener(chunk.toString('latin1')));
  await new Promise((r) => setTimeout(r, 500));
  const direct = await echoTimes((text) => stream.write(text), (fn) => (directListener = fn));
  stream.destroy();

  const overhead = percentile(viaGateway, 95) - percentile(direct, 95);
  rows.push({ measure: `keystroke echo through the gateway, p50/p95 (n=${keystrokes})`, value: `${ms(percentile(viaGateway, 50))} / ${ms(percentile(viaGateway, 95))}`, target: '' });
  rows.push({ measure: 'keystroke echo with a direct docker exec, p50/p95', value: `${ms(percentile(direct, 50))} / ${ms(percentile(direct, 95))}`, target: '' });
  rows.push({ measure: 'echo overhead of the gateway at p95', value: `${overhead.toFixed(1)} ms`, target: '≤ 5 ms' });

  // Output throughput through the shell, tmux, the gateway and the socket, with the server's memory.
  // The end is noticed inside the sandbox: tmux draws the screen, so no output marker is reliable.
  console.error('terminal: output throughput');
  const size = floodMB * 1024 * 1024;
  const benchSandbox = await findSandboxWithTab(engine, instance, 'bench');
  let peak = rssOf(serverPid);
  const baseline = peak;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(serverPid))), 50);
  let received = 0;
  terminal.onOutput((text) => (received += text.length));
  const start = performance.now();
  terminal.type(`rm -f /tmp/flood-done; head -c ${size} /dev/zero | tr '\\0' x | fold -w 100; touch /tmp/flood-done\r`);
  await waitFor('the end of the output flood', async () => (await engine.run(benchSandbox, ['test', '-f', '/tmp/flood-done'])).exitCode === 0, 600_000);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  rows.push({ measure: `shell output of ${floodMB} MB through the terminal, MB/s`, value: `${(size / 1e6 / seconds).toFixed(1)} MB/s`, target: '≥ 20 MB/s' });
  rows.push({ measure: 'bytes that reached the browser side (tmux sends the screen, not every line)', value: mib(received), target: '' });
  rows.push({ measure: 'server memory: before / peak during the flood', value: `${mib(baseline)} / ${mib(peak)}`, target: 'flat' });
  terminal.ws.close();

  return rows;
}

/** The moments of one page load, from navigation start: where the time to a prompt goes. */
interface PageTimes {
  html: number;
  terminalCode: number;
  socketOpen: number;
  shellReady: number;
  prompt: number;
}
const phases: [keyof PageTimes, string][] = [
  ['html', 'HTML arrived'],
  ['terminalCode', 'terminal code loaded'],
  ['socketOpen', 'socket open'],
  ['shellReady', 'shell started'],
  ['prompt', 'prompt shown'],
];

/**
 * Page load to a usable prompt in a real browser, for a lesson page and its embed: a first visit with a
 * warm pool and without one (straight after a warm load, before the pool refills), with the time of
 * each phase; and a learner who comes back to the lesson page (their browser has the course's code and
 * their session cookie, their sandbox from before is gone), with a warm pool.
 */
export async function promptBench(baseUrl: string, samples: number): Promise<Row[]> {
  console.error('terminal: page load to prompt');
  const browser = await launchChromium();
  const visit = async (page: Page, path: string): Promise<PageTimes> => {
    await page.goto(`${baseUrl}${path}`);
    // Prompt time is taken in the page itself, on the same clock as the marks.
    const prompt = await page.waitForFunction(
      () => /\$ $/m.test((window as unknown as { __courseTerminal?: { text(): string } }).__courseTerminal?.text().trimEnd() + ' ') && performance.now(),
      null,
      { timeout: 60_000, polling: 'raf' },
    );
    // No functions declared inside: the page has none of the helpers the TypeScript loader adds to them.
    const [html, terminalCode, socketOpen, shellReady] = await page.evaluate(() => [
      (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseEnd,
      ...['course:terminal-code', 'course:socket-open', 'course:shell-ready'].map((name) => performance.getEntriesByName(name).at(0)?.startTime ?? NaN),
    ]);
    // The learner leaves: their sandbox goes, so forty loads do not fill the capacity and slow the later ones.
    await page.evaluate(() => {
      const token = sessionStorage.getItem('course-session');
      return fetch('/api/sandbox/reset', { method: 'POST', credentials: 'same-origin', headers: token ? { authorization: `Bearer ${token}` } : {} });
    });
    return { html: html!, terminalCode: terminalCode!, socketOpen: socketOpen!, shellReady: shellReady!, prompt: (await prompt.jsonValue()) as number };
  };
  const firstVisit = async (path: string) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const times = await visit(await context.newPage(), path);
    await context.close();
    return times;
  };
  /** The pool refills after a claim. */
  const refill = () => new Promise((resolve) => setTimeout(resolve, 4000));
  /** The learner's browser has been here: its second visit, once the pool has refilled. */
  const secondVisit = async (path: string) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await visit(await context.newPage(), path);
    await refill();
    const times = await visit(await context.newPage(), path);
    await context.close();
    return times;
  };
  const p = (values: number[], q: number) => ms(percentile(values, q));
  const rows: Row[] = [];
  for (const [kind, path] of [['lesson', '/en/virtualization/from-vms-to-containers'], ['embed', '/embed/en/virtualization/from-vms-to-containers']] as const) {
    const warm: PageTimes[] = [];
    const cold: PageTimes[] = [];
    for (let i = 0; i < samples; i++) {
      await refill();
      warm.push(await firstVisit(path));
      cold.push(await firstVisit(path)); // straight after: the pool is empty
    }
    rows.push({ measure: `${kind}: page load to a usable prompt, warm pool, p50/p95 (n=${samples})`, value: `${p(warm.map((t) => t.prompt), 50)} / ${p(warm.map((t) => t.prompt), 95)}`, target: 'p95 ≤ 1 s' });
    rows.push({ measure: `${kind}: page load to a usable prompt, cold start, p50/p95 (n=${samples})`, value: `${p(cold.map((t) => t.prompt), 50)} / ${p(cold.map((t) => t.prompt), 95)}`, target: 'p95 ≤ 2.5 s' });
    rows.push({
      measure: `${kind}, warm: ${phases.map(([, label]) => label).join(' / ')}, p50`,
      value: phases.map(([key]) => Math.round(percentile(warm.map((t) => t[key]), 50))).join(' / ') + ' ms',
      target: '',
    });
  }
  const back: PageTimes[] = [];
  for (let i = 0; i < samples; i++) back.push(await secondVisit('/en/virtualization/from-vms-to-containers'));
  rows.push({ measure: `lesson, a learner coming back (code cached, session cookie), warm pool, p50/p95 (n=${samples})`, value: `${p(back.map((t) => t.prompt), 50)} / ${p(back.map((t) => t.prompt), 95)}`, target: '' });
  rows.push({
    measure: `lesson, coming back: ${phases.map(([, label]) => label).join(' / ')}, p50`,
    value: phases.map(([key]) => Math.round(percentile(back.map((t) => t[key]), 50))).join(' / ') + ' ms',
    target: '',
  });
  await browser.close();
  return rows;
}
