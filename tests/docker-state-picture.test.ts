import { describe, expect, it } from 'vitest';
import { emptyState, findObject, kinds, layerUse, objectKey, objectKeys, objectName, parseObjectKey, type Container, type DockerState, type Image, type Swarm } from '@/lib/docker-state';
import { ChangeTracker, describeChange, displayName, marksOf } from '@/lib/docker-state/changes';
import { objectFacts } from '@/lib/docker-state/facts';
import {
  attachedTo,
  containerGroups,
  imageName,
  imageTags,
  layerColour,
  layerView,
  mountsOf,
  nodeSummary,
  shortVolumeName,
  taskLabel,
  taskName,
} from '@/lib/docker-state/picture';
import { messages } from '@/lib/i18n/messages';

const t = messages.en.dockerState;
const picture = (patch: Partial<DockerState>): DockerState => ({ ...emptyState, ...patch });
const container = (patch: Partial<Container>): Container => ({ id: 'c1', name: 'web', image: 'nginx', state: 'running', status: 'Up 1 second', ports: [], networks: ['bridge'], mounts: [], ...patch });
const image = (patch: Partial<Image>): Image => ({ id: 'i1', tags: ['nginx:latest'], size: 1000, layers: [], moreLayers: 0, ...patch });
const swarm: Swarm = {
  nodes: [
    { id: 'n1', hostname: 'node1', role: 'manager', state: 'ready', availability: 'active', leader: true },
    { id: 'n2', hostname: 'node2', role: 'worker', state: 'ready', availability: 'drain', leader: false },
  ],
  services: [
    { id: 's1', name: 'web', image: 'nginx:latest', mode: 'replicated 2' },
    { id: 's2', name: 'agent', image: 'busybox', mode: 'global' },
  ],
  tasks: [
    { id: 't1', service: 's1', slot: 1, node: 'n1', state: 'running', desired: 'running' },
    { id: 't2', service: 's1', slot: 2, node: 'n2', state: 'running', desired: 'running' },
    { id: 't3', service: 's2', slot: null, node: 'n2', state: 'running', desired: 'running' },
    { id: 't4', service: 'gone', slot: 1, node: 'n9', state: 'failed', desired: 'shutdown' },
  ],
};

describe('object keys', () => {
  it('take apart into the kind and id they were made of, for every kind', () => {
    for (const kind of kinds) expect(parseObjectKey(objectKey(kind, 'bb215a8a5c63'))).toEqual({ kind, id: 'bb215a8a5c63' });
  });

  it('keep an id that holds ":" whole', () => {
    expect(parseObjectKey(objectKey('volumes', 'data:2024:backup'))).toEqual({ kind: 'volumes', id: 'data:2024:backup' });
  });

  it('cover every kind the picture has, volumes by their name', () => {
    expect(kinds).toEqual(['images', 'containers', 'networks', 'volumes', 'nodes', 'services', 'tasks']);
    const state = picture({ images: [image({})], containers: [container({})], networks: [{ id: 'n0', name: 'bridge', driver: 'bridge', scope: 'local' }], volumes: [{ name: 'data', driver: 'local' }], swarm });
    const keys = [...objectKeys(state).keys()];
    expect(new Set(keys.map((key) => parseObjectKey(key).kind))).toEqual(new Set(kinds));
    expect(keys).toContain('volumes:data');
  });
});

describe('finding and naming objects', () => {
  it('finds an object by kind and id, and names it as the learner knows it', () => {
    const state = picture({ images: [image({}), image({ id: 'i2', tags: [] })], swarm });
    expect(objectName('images', findObject(state, 'images', 'i1')!)).toBe('nginx:latest');
    expect(objectName('images', findObject(state, 'images', 'i2')!)).toBe('i2');
    expect(objectName('nodes', findObject(state, 'nodes', 'n2')!)).toBe('node2');
    expect(findObject(emptyState, 'tasks', 't1')).toBeUndefined();
  });

  it('names a removed object from the older picture, and an unknown one by its id', () => {
    const before = picture({ containers: [container({})] });
    expect(displayName('containers:c1', [emptyState, before])).toBe('web');
    expect(displayName('containers:c9', [emptyState, before])).toBe('c9');
  });
});

describe('telling what changed', () => {
  it('says what was added, changed and removed, in that order, by kind and name', () => {
    const before = picture({ containers: [container({})], volumes: [{ name: 'data', driver: 'local' }] });
    const after = picture({ containers: [container({ networks: ['bridge', 'mynet'] })], networks: [{ id: 'n1', name: 'mynet', driver: 'bridge', scope: 'local' }] });
    const change = { added: [objectKey('networks', 'n1')], changed: [objectKey('containers', 'c1')], removed: [objectKey('volumes', 'data')] };
    expect(describeChange({ before, after, change }, t)).toBe('Added: network mynet. Changed: container web. Removed: volume data');
  });

  it('names six objects in a list and counts the rest', () => {
    const after = picture({ containers: Array.from({ length: 8 }, (_, i) => container({ id: `c${i}`, name: `storm${i}` })) });
    const change = { added: after.containers.map((c) => objectKey('containers', c.id)), changed: [], removed: [] };
    expect(describeChange({ before: emptyState, after, change }, t)).toBe('Added: container storm0, container storm1, container storm2, container storm3, container storm4, container storm5, and 2 more');
  });

  it('says so when nothing changed', () => {
    expect(describeChange({ before: emptyState, after: emptyState, change: { added: [], changed: [], removed: [] } }, t)).toBe('Nothing changed.');
  });

  it('marks added and changed objects; removed ones are not drawn', () => {
    const marks = marksOf({ added: ['containers:a'], changed: ['images:b'], removed: ['volumes:c'] });
    expect([...marks]).toEqual([
      ['containers:a', 'added'],
      ['images:b', 'changed'],
    ]);
  });
});

describe('following pictures as they come', () => {
  const created = picture({ containers: [container({ state: 'created', status: 'Created' })] });
  const started = picture({ containers: [container({})] });

  it('has nothing to tell about the first picture, or when only a status text aged', () => {
    const tracker = new ChangeTracker(800);
    expect(tracker.see(started, 0)).toBeNull();
    expect(tracker.see(picture({ containers: [container({ status: 'Up 2 minutes' })] }), 5000)).toBeNull();
  });

  it('tells one command’s pictures as one change, from before the first of them', () => {
    const tracker = new ChangeTracker(800);
    tracker.see(emptyState, 0);
    expect(tracker.see(created, 1000)?.change.added).toEqual(['containers:c1']);
    const news = tracker.see(started, 1500);
    expect(news?.before).toBe(emptyState);
    expect(news?.change).toEqual({ added: ['containers:c1'], changed: [], removed: [] });
  });

  it('starts a new burst once the last has passed', () => {
    const tracker = new ChangeTracker(800);
    tracker.see(emptyState, 0);
    tracker.see(created, 1000);
    const news = tracker.see(started, 1800);
    expect(news?.before).toBe(created);
    expect(news?.change).toEqual({ added: [], changed: ['containers:c1'], removed: [] });
  });

  it('tells that a burst undid itself', () => {
    const tracker = new ChangeTracker(800);
    tracker.see(emptyState, 0);
    tracker.see(created, 1000);
    expect(tracker.see(emptyState, 1200)?.change).toEqual({ added: [], changed: [], removed: [] });
  });
});

describe('what the picture shows', () => {
  it('groups running containers apart from the rest, leaving out empty groups', () => {
    const up = container({ id: 'a' });
    const down = container({ id: 'b', state: 'exited' });
    const fresh = container({ id: 'c', state: 'created' });
    expect(containerGroups([up, down, fresh], t)).toEqual([
      { label: 'Running', containers: [up] },
      { label: 'Not running', containers: [down, fresh] },
    ]);
    expect(containerGroups([down], t).map((group) => group.label)).toEqual(['Not running']);
  });

  it('puts containers on the networks they joined and shows where they mount volumes', () => {
    const web = container({ networks: ['bridge', 'mynet'], mounts: [{ volume: 'data', source: 'volume', destination: '/data' }, { volume: null, source: '/site', destination: '/html' }] });
    const db = container({ id: 'c2', name: 'db', networks: ['mynet'], mounts: [{ volume: 'data', source: 'volume', destination: '/var/lib/db' }] });
    expect(attachedTo({ id: 'n', name: 'mynet', driver: 'bridge', scope: 'local' }, [web, db]).map((c) => c.name)).toEqual(['web', 'db']);
    expect(mountsOf({ name: 'data', driver: 'local' }, [web, db])).toEqual([
      { container: 'web', destination: '/data' },
      { container: 'db', destination: '/var/lib/db' },
    ]);
  });

  it('shortens only the long names of anonymous volumes', () => {
    expect(shortVolumeName('data')).toBe('data');
    expect(shortVolumeName('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
  });

  it('shows shared layers with their count and a colour that is the same in every image', () => {
    const base = { id: 'base', size: 111582565, step: '' };
    const images = [image({ layers: [base, { id: 'own', size: null, step: 'RUN apt-get install nginx' }] }), image({ id: 'i2', tags: ['debian:latest'], layers: [base] })];
    const use = layerUse(images);
    expect(layerView(base, use, t)).toEqual({ id: 'base', sharedBy: 2, colour: layerColour('base'), size: '112 MB', step: 'base (imported)' });
    expect(layerView(images[0]!.layers[1]!, use, t)).toEqual({ id: 'own', sharedBy: 1, colour: undefined, size: 'size unknown', step: 'RUN apt-get install nginx' });
    expect(layerColour('base')).toMatch(/^hsl\(\d+ 70% 50%\)$/);
  });

  it('writes an untagged image as <none>', () => {
    expect(imageName(image({ tags: [] }), t)).toBe('<none>');
    expect(imageTags(image({ tags: ['a:1', 'a:latest'] }), t)).toBe('a:1, a:latest');
    expect(imageTags(image({ tags: [] }), t)).toBe('<none>');
  });

  it('names Swarm nodes and tasks as docker node ls and docker service ps do', () => {
    const state = picture({ swarm });
    const [slotted, , global, orphan] = swarm.tasks;
    expect(nodeSummary(swarm.nodes[0]!)).toBe('manager ★ · active');
    expect(nodeSummary(swarm.nodes[1]!)).toBe('worker · drain');
    expect([taskName(state, slotted!), taskLabel(state, slotted!)]).toEqual(['web.1', 'web.1']);
    expect([taskName(state, global!), taskLabel(state, global!)]).toEqual(['agent.node2', 'agent']);
    expect(taskName(state, orphan!)).toBe('gone.1');
  });
});

describe('the facts of a selected object', () => {
  const web = container({ ports: ['8080→80/tcp'], networks: ['bridge', 'lessonnet'], mounts: [{ volume: 'data', source: 'volume', destination: '/data' }] });
  const state = picture({
    containers: [web],
    images: [image({ layers: [{ id: 'base', size: 5, step: '' }] }), image({ id: 'i2', tags: [], layers: [{ id: 'base', size: 5, step: '' }], moreLayers: 3 })],
    networks: [{ id: 'n0', name: 'lessonnet', driver: 'bridge', scope: 'local' }],
    volumes: [{ name: 'data', driver: 'local' }],
    swarm,
  });
  const facts = (key: Parameters<typeof objectFacts>[0]) => Object.fromEntries(objectFacts(key, state, t) ?? []);

  it('gives a container’s image, networks and mounts', () => {
    expect(facts('containers:c1')).toMatchObject({ Image: 'nginx', 'Published ports': '8080→80/tcp', Networks: 'bridge, lessonnet', Mounts: 'data → /data' });
  });

  it('counts an image’s layers, those left out too, and those it shares', () => {
    expect(facts('images:i2')).toMatchObject({ Tags: 'none', Layers: '4', 'Shared layers': '1' });
  });

  it('lists who uses a network or a volume', () => {
    expect(facts('networks:n0')).toMatchObject({ Containers: 'web' });
    expect(facts('volumes:data')).toMatchObject({ Mounts: 'web → /data' });
  });

  it('gives a node’s tasks and a task’s service and node', () => {
    expect(facts('nodes:n2')).toMatchObject({ Leader: '—', Tasks: '2' });
    expect(facts('nodes:n1')).toMatchObject({ Leader: 'yes' });
    expect(facts('tasks:t3')).toMatchObject({ Service: 'agent', Image: 'busybox', Node: 'node2' });
    expect(facts('tasks:t4')).toMatchObject({ Service: 'gone', Image: '', Node: 'n9' });
  });

  it('has none for an object the picture no longer holds, nor for a service', () => {
    expect(objectFacts('containers:gone', state, t)).toBeUndefined();
    expect(objectFacts('services:s1', state, t)).toBeUndefined();
  });
});
