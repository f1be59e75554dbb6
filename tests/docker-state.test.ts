import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caps, diffStates, emptyState, formatBytes, layerUse, type DockerState } from '@/lib/docker-state';
import { GatherError, matchLayers, parseGather, stepOf } from '@/lib/docker-state/gather';
import { Coalescer, parseEventLines } from '@/lib/sandbox/events';

const sha = (c: string) => `sha256:${c.repeat(64)}`;
const cut = (items: unknown[], total = items.length) => JSON.stringify({ total, items });
const output = (parts: Record<string, string>) => Object.entries(parts).map(([name, body]) => `\n@@${name}\n${body}`).join('');

/** The script's output for a daemon with nginx and debian (sharing their base layer) and one container. */
const sample = () =>
  output({
    containers: cut([
      {
        Id: 'bb215a8a5c63f4bd',
        Names: ['/web'],
        Image: 'nginx',
        State: 'running',
        Status: 'Up 3 seconds',
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { PrivatePort: 443, Type: 'tcp' },
        ],
        NetworkSettings: { Networks: { bridge: {}, mynet: {} } },
        Mounts: [
          { Type: 'volume', Name: 'data', Source: '/home/learner/.local/share/docker/volumes/data/_data', Destination: '/data' },
          { Type: 'bind', Source: '/home/learner/site', Destination: '/usr/share/nginx/html' },
        ],
      },
    ]),
    images: cut([
      { Id: sha('a'), RepoTags: ['nginx:latest'], Size: 121490887 },
      { Id: sha('b'), RepoTags: ['debian:latest'], Size: 111582565 },
      { Id: sha('c'), RepoTags: ['<none>:<none>'], Size: 5 },
      { Id: sha('d'), RepoTags: [], RepoDigests: [`nginx@${sha('e')}`], Size: 5 },
    ]),
    networks: cut([
      { Name: 'bridge', Id: 'a14d45894829b9ba', Driver: 'bridge', Scope: 'local' },
      { Name: 'mynet', Id: '552cb51d15050aeb', Driver: 'bridge', Scope: 'local' },
    ]),
    volumes: cut([{ Name: 'data', Driver: 'local' }]),
    nodes: 'null',
    services: 'null',
    tasks: 'null',
    [`history ${sha('a')}`]: JSON.stringify([
      { CreatedBy: '/bin/sh -c #(nop)  CMD ["nginx"]', Size: 0 },
      { CreatedBy: '/bin/sh -c apt-get install -y nginx', Size: 9907679 },
      { CreatedBy: '', Size: 111582565 },
    ]),
    [`layers ${sha('a')}`]: JSON.stringify([sha('1'), sha('2')]),
    [`history ${sha('b')}`]: JSON.stringify([{ CreatedBy: '', Size: 111582565 }]),
    [`layers ${sha('b')}`]: JSON.stringify([sha('1')]),
  });

describe('gathering the picture', () => {
  it('reads containers with their ports (once each), networks and volume mounts', () => {
    const state = parseGather(sample(), new Map());
    expect(state.containers).toEqual([
      {
        id: 'bb215a8a5c63',
        name: 'web',
        image: 'nginx',
        state: 'running',
        status: 'Up 3 seconds',
        ports: ['8080→80/tcp'],
        networks: ['bridge', 'mynet'],
        mounts: [
          { volume: 'data', source: 'volume', destination: '/data' },
          { volume: null, source: '/home/learner/site', destination: '/usr/share/nginx/html' },
        ],
      },
    ]);
    expect(state.networks.map((n) => n.name)).toEqual(['bridge', 'mynet']);
    expect(state.volumes).toEqual([{ name: 'data', driver: 'local' }]);
    expect(state.swarm).toBeNull();
    const task = parseGather(sample().replace('"Image":"nginx"', `"Image":"nginx:latest@${sha('e')}"`), new Map());
    expect(task.containers[0]!.image).toBe('nginx:latest');
  });

  it('matches layers to the build steps that made them, and shows shared layers as shared', () => {
    const state = parseGather(sample(), new Map());
    const nginx = state.images[0]!;
    expect(nginx.tags).toEqual(['nginx:latest']);
    expect(nginx.layers).toEqual([
      { id: '111111111111', size: 111582565, step: '' },
      { id: '222222222222', size: 9907679, step: 'RUN apt-get install -y nginx' },
    ]);
    expect(state.images[2]!.tags).toEqual([]);
    expect(state.images[3]!.tags).toEqual(['nginx@eeeeeeeeeeee…']);
    expect(layerUse(state.images).get('111111111111')).toBe(2);
    expect(layerUse(state.images).get('222222222222')).toBe(1);
  });

  it('keeps known layers between gathers and forgets those of removed images', () => {
    const layers = new Map();
    parseGather(sample(), layers);
    expect([...layers.keys()]).toEqual([sha('a'), sha('b')]);
    // The next gather leaves out known images' layers (the script is told their ids) and debian is gone.
    const next = sample().replace(/\n@@history[\s\S]*$/, '').replace(`{"Id":"${sha('b')}","RepoTags":["debian:latest"],"Size":111582565},`, '');
    const state = parseGather(next, layers);
    expect(state.images[0]!.layers).toHaveLength(2);
    expect([...layers.keys()]).toEqual([sha('a')]);
  });

  it('leaves sizes unknown rather than guessing when history and layers do not match', () => {
    expect(matchLayers([sha('1'), sha('2')], [{ CreatedBy: 'x', Size: 5 }])).toEqual([
      { id: '111111111111', size: null, step: '' },
      { id: '222222222222', size: null, step: '' },
    ]);
  });

  it('writes build steps as a Dockerfile would', () => {
    expect(stepOf('/bin/sh -c #(nop)  EXPOSE 80')).toBe('EXPOSE 80');
    expect(stepOf('/bin/sh -c apt-get update')).toBe('RUN apt-get update');
    expect(stepOf('RUN /bin/sh -c echo hi > /x # buildkit')).toBe('RUN /bin/sh -c echo hi > /x');
  });

  it('holds at most the first N of each kind and counts the rest', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ Id: `${i}`.padStart(12, '0'), Names: [`/c${i}`], Image: 'alpine', State: 'created', Status: 'Created' }));
    const text = sample().replace(/@@containers\n.*\n/, `@@containers\n${cut(many, 900)}\n`);
    const state = parseGather(text, new Map());
    expect(state.containers).toHaveLength(caps.containers);
    expect(state.more.containers).toBe(900 - caps.containers);
    expect(JSON.stringify(state).length).toBeLessThan(64 * 1024);
  });

  it('cuts long names, so one object cannot make the message large', () => {
    const text = sample().replace('"/web"', `"/${'w'.repeat(5000)}"`);
    expect(parseGather(text, new Map()).containers[0]!.name.length).toBeLessThanOrEqual(caps.text);
  });

  it('fails when the daemon did not answer, so the last good picture stays', () => {
    expect(() => parseGather('', new Map())).toThrow(GatherError);
    expect(() => parseGather(sample().replace(/@@containers\n.*\n/, '@@containers\n\n'), new Map())).toThrow(GatherError);
    expect(() => parseGather(sample().replace(/@@volumes\n.*\n/, '@@volumes\n{"total":1,"items":[{"Na\n'), new Map())).toThrow(GatherError);
  });

  it('reads a Swarm manager’s nodes, services and tasks', () => {
    const text = sample()
      .replace('@@nodes\nnull', `@@nodes\n${cut([{ ID: 'n1aaaaaaaaaaaaaa', Description: { Hostname: 'node1' }, Spec: { Role: 'manager', Availability: 'active' }, Status: { State: 'ready' }, ManagerStatus: { Leader: true } }])}`)
      .replace('@@services\nnull', `@@services\n${cut([{ ID: 's1aaaaaaaaaaaaaa', Spec: { Name: 'web', Mode: { Replicated: { Replicas: 3 } }, TaskTemplate: { ContainerSpec: { Image: 'nginx:latest@sha256:abc' } } } }])}`)
      .replace('@@tasks\nnull', `@@tasks\n${cut([{ ID: 't1aaaaaaaaaaaaaa', ServiceID: 's1aaaaaaaaaaaaaa', Slot: 1, NodeID: 'n1aaaaaaaaaaaaaa', Status: { State: 'running' }, DesiredState: 'running' }], 70)}`);
    const { swarm, more } = parseGather(text, new Map());
    expect(swarm).toEqual({
      nodes: [{ id: 'n1aaaaaaaaaa', hostname: 'node1', role: 'manager', state: 'ready', availability: 'active', leader: true }],
      services: [{ id: 's1aaaaaaaaaa', name: 'web', image: 'nginx:latest', mode: 'replicated 3' }],
      tasks: [{ id: 't1aaaaaaaaaa', service: 's1aaaaaaaaaa', slot: 1, node: 'n1aaaaaaaaaa', state: 'running', desired: 'running' }],
    });
    expect(more.tasks).toBe(69);
  });
});

describe('what the last command changed', () => {
  const state = (patch: Partial<DockerState>): DockerState => ({ ...emptyState, ...patch });
  const web = { id: 'c1', name: 'web', image: 'nginx', state: 'running', status: 'Up 1 second', ports: [], networks: ['bridge'], mounts: [] };

  it('tells added, changed and removed objects apart', () => {
    const before = state({ containers: [web], volumes: [{ name: 'data', driver: 'local' }] });
    const after = state({ containers: [{ ...web, networks: ['bridge', 'mynet'] }], networks: [{ id: 'n1', name: 'mynet', driver: 'bridge', scope: 'local' }] });
    expect(diffStates(before, after)).toEqual({ added: ['networks:n1'], changed: ['containers:c1'], removed: ['volumes:data'] });
  });

  it('does not count a container’s ageing status text as a change', () => {
    expect(diffStates(state({ containers: [web] }), state({ containers: [{ ...web, status: 'Up 2 minutes' }] }))).toEqual({ added: [], changed: [], removed: [] });
  });

  it('prints sizes as Docker does', () => {
    expect(formatBytes(474)).toBe('474 B');
    expect(formatBytes(9907679)).toBe('9.9 MB');
    expect(formatBytes(111582565)).toBe('112 MB');
  });
});

describe('the daemon’s event stream', () => {
  it('reads type and action from each line, skipping blanks', () => {
    expect(parseEventLines('container create\n\nnetwork connect\nvolume destroy\n')).toEqual([
      { type: 'container', action: 'create' },
      { type: 'network', action: 'connect' },
      { type: 'volume', action: 'destroy' },
    ]);
  });
});

describe('coalescing a burst of events', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const timing = { settleMs: 150, maxWaitMs: 1000 };

  it('runs once after a burst has settled', async () => {
    const task = vi.fn(async () => {});
    const coalescer = new Coalescer(task, timing);
    for (let i = 0; i < 5; i++) {
      coalescer.poke();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('still runs about once a second during a storm, never two at once', async () => {
    let running = 0;
    let most = 0;
    const task = vi.fn(async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 300));
      running--;
    });
    const coalescer = new Coalescer(task, timing);
    // An event every 20 ms for ten seconds.
    for (let t = 0; t < 10_000; t += 20) {
      coalescer.poke();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(most).toBe(1);
    expect(task.mock.calls.length).toBeGreaterThanOrEqual(8);
    expect(task.mock.calls.length).toBeLessThanOrEqual(12);
  });

  it('says it is busy from the first event until a run has caught up, and after a failed run', async () => {
    const busy: boolean[] = [];
    let fail = false;
    const coalescer = new Coalescer(async () => {
      if (fail) throw new Error('daemon away');
    }, timing, (b) => busy.push(b));
    coalescer.poke();
    coalescer.poke();
    await vi.advanceTimersByTimeAsync(200);
    expect(busy).toEqual([true, false]);
    fail = true;
    coalescer.poke();
    await vi.advanceTimersByTimeAsync(200);
    expect(busy).toEqual([true, false, true]);
  });
});
