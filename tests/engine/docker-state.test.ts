import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caps, type DockerState, type StateUpdate } from '@/lib/docker-state';
import { DaemonEvents } from '@/lib/sandbox/events';
import { PortWatches } from '@/lib/sandbox/ports';
import { StateWatches } from '@/lib/sandbox/state';
import { manager, newSession, removeAllSandboxes, sh, until } from './helpers';
import { engine } from './helpers';

const sandboxes = manager({ poolSize: 0 });
const events = new DaemonEvents(engine);
const ports = new PortWatches(engine, events);
const states = new StateWatches(engine, events);
let id: string;

/** A listener that keeps every update, as a tab's panel would receive them. */
function panel() {
  const updates: StateUpdate[] = [];
  let latest: DockerState | null = null;
  return {
    updates,
    listener: (update: StateUpdate) => {
      updates.push(update);
      if (update.state) latest = update.state;
    },
    get state() {
      return latest;
    },
  };
}

const eventsProcesses = async () => Number((await sh(id, 'pgrep -c -f "^docker event[s]" || true')).stdout.trim());

beforeAll(async () => {
  await removeAllSandboxes();
  id = (await sandboxes.acquire(newSession())).nodes[0]!;
});

afterAll(async () => {
  sandboxes.stop();
  await removeAllSandboxes();
});

describe('the Docker-state picture', () => {
  it('shares one event stream per sandbox between the port watch and every panel, and ends it with the last', async () => {
    let published: number[] = [];
    const unwatchPorts = ports.subscribe(id, (p) => (published = p));
    const first = panel();
    const second = panel();
    const unwatchFirst = states.subscribe(id, first.listener);
    const unwatchSecond = states.subscribe(id, second.listener);
    await until(() => first.state !== null && second.state !== null);
    expect(await eventsProcesses()).toBe(1);
    expect(events.count).toBe(1);

    const started = Date.now();
    await sh(id, 'docker network create lesson-net >/dev/null && docker run -d --name web -p 8082:80 nginx >/dev/null');
    const finished = Date.now();
    await until(() => !!first.state?.containers.some((c) => c.name === 'web' && c.state === 'running'));
    console.log(`picture updated ${Date.now() - finished} ms after docker run returned (${finished - started} ms for the commands)`);
    expect(second.state!.containers.map((c) => c.name)).toContain('web');
    await until(() => published.includes(8082));

    await sh(id, 'docker network connect lesson-net web');
    await until(() => !!first.state?.containers.find((c) => c.name === 'web')?.networks.includes('lesson-net'));
    expect(first.state!.networks.map((n) => n.name)).toContain('lesson-net');

    await sh(id, 'docker rm -f web >/dev/null && docker volume create keep >/dev/null');
    await until(() => !first.state?.containers.some((c) => c.name === 'web') && !!first.state?.volumes.some((v) => v.name === 'keep'));

    unwatchFirst();
    unwatchSecond();
    // The port watch still follows: the stream stays, for it alone.
    expect(events.count).toBe(1);
    unwatchPorts();
    expect(events.count).toBe(0);
    await until(async () => (await eventsProcesses()) === 0);
  });

  it('stays bounded in a storm of 200 new containers: few gathers, a bounded picture, flat memory', async () => {
    const watcher = panel();
    const unwatch = states.subscribe(id, watcher.listener);
    await until(() => watcher.state !== null);
    const gathersBefore = states.gathers(id);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 100);

    const started = Date.now();
    await sh(id, 'for i in $(seq 200); do docker create --name storm$i busybox true >/dev/null; done', 'learner', 240_000);
    const seconds = (Date.now() - started) / 1000;
    await until(() => watcher.state!.containers.length + watcher.state!.more.containers >= 200, 10_000);
    clearInterval(sampler);

    const gathers = states.gathers(id) - gathersBefore;
    const stateUpdates = watcher.updates.filter((u) => u.state).length;
    console.log(`storm: ${seconds.toFixed(1)} s, ${gathers} gathers, ${stateUpdates} pictures sent, heap +${((heapPeak - heapBefore) / 1e6).toFixed(1)} MB at peak`);
    // At most about one gather a second (plus the one that follows a burst), however many events.
    expect(gathers).toBeLessThanOrEqual(Math.ceil(seconds) + 3);
    expect(gathers).toBeGreaterThan(1);
    // While events pour in, the panel is told it is catching up; in the end it is caught up.
    expect(watcher.updates.some((u) => u.catchingUp)).toBe(true);
    await until(() => watcher.updates.at(-1)!.catchingUp === false);
    expect(watcher.state!.containers).toHaveLength(caps.containers);
    expect(watcher.state!.more.containers).toBe(200 - caps.containers);
    expect(JSON.stringify(watcher.state).length).toBeLessThan(64 * 1024);
    expect(heapPeak - heapBefore).toBeLessThan(50 * 1024 * 1024);
    unwatch();
  });
});
