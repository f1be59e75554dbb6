import { readFileSync } from 'node:fs';
import type { DockerState } from '../lib/docker-state';
import type { Engine } from '../lib/sandbox/engine';
import { decodeServer, encodeClient, Op } from '../lib/terminal-protocol';
import type { Row } from './page-weight';
import { within } from '../tests/wait-for';
import { mib, ms, percentile } from './stats';
import { findSandboxWithTab, openTerminal } from './terminal';

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const stormSize = 200;

/**
 * The Docker-state panel as a learner's tab sees it: how soon a `docker run` shows in the picture,
 * and what a storm of containers costs the server.
 */
export async function stateBench(baseUrl: string, engine: Engine, instance: string, serverPid: number, samples: number): Promise<Row[]> {
  console.error('state panel: docker run to picture');
  const terminal = await openTerminal(baseUrl, 'state');
  let pictures = 0;
  let onPicture: (state: DockerState) => void = () => {};
  terminal.ws.on('message', (data: Buffer) => {
    const message = decodeServer(new Uint8Array(data));
    if (message.op !== Op.state || !message.update.state) return;
    pictures++;
    onPicture(message.update.state);
  });
  const picture = (test: (state: DockerState) => boolean) => new Promise<void>((resolve) => (onPicture = (state) => test(state) && resolve()));
  const first = picture(() => true);
  terminal.ws.send(encodeClient({ op: Op.watchState }));
  // The watch starts with the port watch, once the prompt is up (or at the first keystroke).
  terminal.type(' ');
  await within('the first picture of Docker', first, 60_000);
  const sandbox = await findSandboxWithTab(engine, instance, 'state');
  await engine.run(sandbox, ['docker', 'pull', '-q', 'busybox']);

  // From the moment `docker run` returns (the learner sees the id) to the picture that shows it running.
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `bench${i}`;
    const shown = picture((state) => state.containers.some((c) => c.name === name && c.state === 'running'));
    await engine.run(sandbox, ['docker', 'run', '-d', '--name', name, 'busybox', 'sleep', '600']);
    const start = performance.now();
    await within(`the picture to show ${name} running`, shown, 30_000);
    times.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 300));
  }

  console.error(`state panel: a storm of ${stormSize} containers`);
  const baseline = rssOf(serverPid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(serverPid))), 50);
  const before = pictures;
  const all = picture((state) => state.containers.length + state.more.containers >= stormSize + samples);
  const start = performance.now();
  await engine.run(sandbox, ['sh', '-c', `for i in $(seq ${stormSize}); do docker create busybox true >/dev/null; done`], { timeoutMs: 300_000 });
  const seconds = (performance.now() - start) / 1000;
  await within(`the picture to show all ${stormSize} containers`, all, 120_000);
  const caughtUp = performance.now() - start - seconds * 1000;
  clearInterval(sampler);
  terminal.ws.close();
  return [
    { measure: `docker run returned → the panel shows it running, p50/p95 (n=${samples})`, value: `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`, target: '≤ 500 ms' },
    { measure: `storm of ${stormSize} containers in ${seconds.toFixed(1)} s: pictures sent / caught up after`, value: `${pictures - before} / ${ms(caughtUp)}`, target: '≤ 1 a second' },
    { measure: 'server memory during the storm: before / peak', value: `${mib(baseline)} / ${mib(peak)}`, target: 'flat' },
  ];
}
