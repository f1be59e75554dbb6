import type { Dashboard } from '../lib/classes/dashboard';
import type { Row } from './page-weight';
import { waitFor } from '../tests/wait-for';
import { mib, ms, peakLoad, percentile, rssOf } from './stats';
import { openTerminal } from './terminal';

const lessonPath = '/en/virtualization/from-vms-to-containers';

/**
 * A class as it happens: `size` learners join and open their terminals at once while the instructor's
 * dashboard is open; then each runs a check, and we time how soon the dashboard shows it.
 */
export async function classBench(baseUrl: string, serverPid: number, size: number): Promise<Row[]> {
  console.error(`class of ${size}`);
  const post = (path: string, body: object, cookie?: string) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { origin: baseUrl, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  const created = (await (await post('/api/classes', { title: 'Bench', locale: 'en', lessons: ['virtualization/from-vms-to-containers'], capacity: size })).json()) as { teach: string; code: string };
  const token = encodeURIComponent(decodeURIComponent(created.teach.split('#')[1]!));

  const { updates, stream } = await dashboardStream(baseUrl, token);

  const start = performance.now();
  const readyAfter: number[] = [];
  const [load, learners] = await peakLoad(() => Promise.all(
    Array.from({ length: size }, async (_, i) => {
      const terminal = await openTerminal(baseUrl, 'main');
      readyAfter.push(performance.now() - start);
      const joined = await post('/api/classes/join', { code: created.code, name: `Learner ${i + 1}` }, terminal.cookie);
      if (!joined.ok) throw new Error(`joining: HTTP ${joined.status}`);
      return terminal;
    }),
  ));
  const rss = rssOf(serverPid);

  // Each learner checks a step they have not done: the dashboard must count the failure.
  const latencies = (await checkDelays(learners, updates, (cookie) => post('/api/check', { path: lessonPath, id: 'debian-image' }, cookie))).fromRequest;
  const snapshotStart = performance.now();
  await fetch(`${baseUrl}/api/teach/${token}`).then((r) => r.json());
  const snapshot = performance.now() - snapshotStart;

  stream.abort();
  for (const learner of learners) learner.ws.close();
  return [
    { measure: `class of ${size} joining at once, cold (pool 2): prompts / time to the last`, value: `${learners.length}/${size} in ${(percentile(readyAfter, 100) / 1000).toFixed(1)} s`, target: `${size} of ${size}, ≤ 60 s` },
    { measure: 'class: peak load average (1 min) during the rush', value: load.toFixed(1), target: '' },
    { measure: 'class: a check shows on the dashboard p50 / p95', value: `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))}`, target: '≤ 1000 ms' },
    { measure: 'class: dashboard snapshot', value: ms(snapshot), target: '' },
    { measure: `class: server memory with ${size} learners`, value: mib(rss), target: '' },
  ];
}

/**
 * A class that starts warm: made with a start time within the warming window, its `size` seats are
 * warmed first; then every learner joins and opens a terminal at once, and we time the last prompt.
 */
export async function warmClassBench(baseUrl: string, size: number): Promise<Row[]> {
  console.error(`class of ${size}, warm`);
  const post = (path: string, body: object, cookie?: string) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { origin: baseUrl, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  const body = { title: 'Bench, warm', locale: 'en', lessons: ['virtualization/from-vms-to-containers'], capacity: size, startsAt: Date.now() + 5 * 60_000 };
  const created = (await (await post('/api/classes', body)).json()) as { teach: string; code: string };
  const token = encodeURIComponent(decodeURIComponent(created.teach.split('#')[1]!));

  const warming = performance.now();
  const board = () => fetch(`${baseUrl}/api/teach/${token}`).then((r) => r.json() as Promise<Dashboard>);
  await waitFor(`${size} warm seats`, async () => (await board()).warm?.warm === size, 300_000, 500);
  const warmedAfter = performance.now() - warming;

  const { load, learners, readyAfter } = await joinAtOnce(baseUrl, created.code, size);
  for (const learner of learners) learner.ws.close();
  return [
    { measure: `class of ${size}: warming its seats ahead of the start (pool 0)`, value: `${(warmedAfter / 1000).toFixed(1)} s`, target: '' },
    { measure: `class of ${size} joining at once, warm: prompts / time to the last`, value: `${learners.length}/${size} in ${(percentile(readyAfter, 100) / 1000).toFixed(1)} s`, target: `${size} of ${size}, ≤ 5 s` },
    { measure: 'class, warm: peak load average (1 min) during the joining', value: load.toFixed(1), target: '' },
  ];
}

/** The dashboard's live stream, as the instructor's browser reads it: every picture, with when it came. */
export async function dashboardStream(baseUrl: string, token: string, headers: Record<string, string> = {}) {
  const updates: { at: number; board: Dashboard }[] = [];
  const stream = new AbortController();
  const events = await fetch(`${baseUrl}/api/teach/${token}/events`, { signal: stream.signal, headers });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = events.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffer += decoder.decode(read.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (message.startsWith('data: ')) updates.push({ at: performance.now(), board: JSON.parse(message.slice(6)) as Dashboard });
      }
    }
  })().catch(() => {});
  return { updates, stream };
}

/**
 * Each learner in turn fails a check the class has not passed; how long until the dashboard counts it,
 * from the check's request (which includes asking the learner's daemon) and from its answer.
 */
export async function checkDelays(learners: { cookie: string }[], updates: { at: number; board: Dashboard }[], check: (cookie: string) => Promise<unknown>) {
  const delays = { fromRequest: [] as number[], fromAnswer: [] as number[] };
  const before = updates.at(-1)?.board.failing[0]?.failures ?? 0;
  for (const [i, learner] of learners.entries()) {
    const sent = performance.now();
    await check(learner.cookie);
    const answered = performance.now();
    const seen = await waitFor(`the dashboard to show learner ${i + 1}'s check`, () => updates.find((u) => u.at > sent && (u.board.failing[0]?.failures ?? 0) > before + i), 10_000, 5);
    delays.fromRequest.push(seen.at - sent);
    delays.fromAnswer.push(Math.max(0, seen.at - answered));
  }
  return delays;
}

/** `size` learners join the class at once, each then opening a terminal: when each had a prompt, and the peak load. */
export async function joinAtOnce(baseUrl: string, code: string, size: number) {
  const start = performance.now();
  const readyAfter: number[] = [];
  const [load, learners] = await peakLoad(() =>
    Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const terminal = await openTerminal(baseUrl, 'main', async (cookie) => {
          const joined = await fetch(`${baseUrl}/api/classes/join`, { method: 'POST', headers: { origin: baseUrl, 'content-type': 'application/json', cookie }, body: JSON.stringify({ code, name: `Learner ${i + 1}` }) });
          if (!joined.ok) throw new Error(`joining: HTTP ${joined.status}`);
        });
        readyAfter.push(performance.now() - start);
        return terminal;
      }),
    ),
  );
  return { load, learners, readyAfter };
}
