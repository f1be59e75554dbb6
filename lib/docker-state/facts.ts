import { findObject, formatBytes, layerUse, parseObjectKey, type DockerState, type Kind, type ObjectKey, type ObjectsByKind } from './index';
import { attachedTo, layerCount, mountsOf, mountText, nodeName, serviceName, sharedLayerCount, tasksOn } from './picture';
import type { PictureWords } from './words';

export type Fact = [label: string, value: string];

type FactsOf<K extends Kind> = (object: ObjectsByKind[K], state: DockerState, t: PictureWords) => Fact[];

// Services are drawn only as their tasks' names, so none can be selected.
const factsByKind: { [K in Kind]?: FactsOf<K> } = {
  containers: (c, _, t) => {
    const f = t.facts;
    const mounts = c.mounts.map((mount) => mountText(mount.volume ?? mount.source, mount.destination));
    return [[f.name, c.name], [f.id, c.id], [f.image, c.image], [f.state, c.state], [f.status, c.status], [f.ports, listOf(c.ports, t)], [f.networks, listOf(c.networks, t)], [f.mounts, listOf(mounts, t)]];
  },
  images: (image, state, t) => {
    const f = t.facts;
    const use = layerUse(state.images);
    return [[f.tags, listOf(image.tags, t)], [f.id, image.id], [f.size, formatBytes(image.size)], [f.layers, String(layerCount(image))], [f.sharedLayers, String(sharedLayerCount(image, use))]];
  },
  networks: (n, state, t) => {
    const f = t.facts;
    return [[f.name, n.name], [f.id, n.id], [f.driver, n.driver], [f.scope, n.scope], [f.containers, listOf(attachedTo(n, state.containers).map((c) => c.name), t)]];
  },
  volumes: (v, state, t) => {
    const f = t.facts;
    const mounts = mountsOf(v, state.containers).map((mount) => mountText(mount.container, mount.destination));
    return [[f.name, v.name], [f.driver, v.driver], [f.mounts, listOf(mounts, t)]];
  },
  nodes: (n, state, t) => {
    const f = t.facts;
    return [[f.name, n.hostname], [f.id, n.id], [f.role, n.role], [f.state, n.state], [f.availability, n.availability], [f.leader, n.leader ? f.yes : '—'], [f.tasks, String(tasksOn(state, n).length)]];
  },
  tasks: (task, state, t) => {
    const f = t.facts;
    const image = findObject(state, 'services', task.service)?.image ?? '';
    return [[f.id, task.id], [f.service, serviceName(state, task)], [f.image, image], [f.node, nodeName(state, task.node)], [f.state, task.state], [f.desired, task.desired]];
  },
};

function listOf(items: string[], t: PictureWords): string {
  return items.length ? items.join(', ') : t.facts.none;
}

function factsOf<K extends Kind>(state: DockerState, kind: K, id: string, t: PictureWords): Fact[] | undefined {
  const object = findObject(state, kind, id);
  return object && factsByKind[kind]?.(object, state, t);
}

/** The facts `docker inspect` would give first, in words; undefined when the picture no longer holds the object. */
export function objectFacts(key: ObjectKey, state: DockerState, t: PictureWords): Fact[] | undefined {
  const { kind, id } = parseObjectKey(key);
  return factsOf(state, kind, id, t);
}
