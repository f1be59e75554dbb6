/** What the picture shows of each kind of object, apart from how it is drawn. */
import { findObject, formatBytes, objectName, objectsOf, type Container, type DockerState, type Image, type Layer, type Network, type SwarmNode, type Task, type Volume } from './index';
import type { PictureWords } from './words';

export interface ContainerGroup {
  label: string;
  containers: Container[];
}

/** What runs apart from what does not, the first thing a learner looks for; empty groups are left out. */
export function containerGroups(containers: Container[], t: PictureWords): ContainerGroup[] {
  const groups = [
    { label: t.running, containers: containers.filter((container) => container.state === 'running') },
    { label: t.stopped, containers: containers.filter((container) => container.state !== 'running') },
  ];
  return groups.filter((group) => group.containers.length > 0);
}

export function attachedTo(network: Network, containers: Container[]): Container[] {
  return containers.filter((container) => container.networks.includes(network.name));
}

export interface VolumeMount {
  container: string;
  destination: string;
}

export function mountsOf(volume: Volume, containers: Container[]): VolumeMount[] {
  return containers.flatMap((container) =>
    container.mounts.filter((mount) => mount.volume === volume.name).map((mount) => ({ container: container.name, destination: mount.destination })),
  );
}

/** A mount as the picture writes it, wherever it appears. */
export function mountText(from: string, to: string): string {
  return `${from} → ${to}`;
}

/** An anonymous volume is named by 64 hex digits: its first 12 tell it apart, as short ids do. */
export function shortVolumeName(name: string): string {
  return name.length > 24 ? `${name.slice(0, 12)}…` : name;
}

/** An untagged image is `<none>`, as `docker images` shows it. */
export function imageName(image: Image, t: PictureWords): string {
  return image.tags[0] ?? t.untagged;
}

export function imageTags(image: Image, t: PictureWords): string {
  return image.tags.join(', ') || t.untagged;
}

/** Layers the picture leaves out still count. */
export function layerCount(image: Image): number {
  return image.layers.length + image.moreLayers;
}

/** How many images hold the layer, from `layerUse`; above 1 it is stored once and shared. */
export function sharedBy(layer: Layer, use: Map<string, number>): number {
  return use.get(layer.id) ?? 1;
}

export function sharedLayerCount(image: Image, use: Map<string, number>): number {
  return image.layers.filter((layer) => sharedBy(layer, use) > 1).length;
}

/** A colour per shared layer, the same in every image that holds it. */
export function layerColour(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return `hsl(${hash} 70% 50%)`;
}

export interface LayerView {
  id: string;
  sharedBy: number;
  /** Set only for a shared layer. */
  colour: string | undefined;
  size: string;
  step: string;
}

export function layerView(layer: Layer, use: Map<string, number>, t: PictureWords): LayerView {
  const holders = sharedBy(layer, use);
  return {
    id: layer.id,
    sharedBy: holders,
    colour: holders > 1 ? layerColour(layer.id) : undefined,
    size: layer.size === null ? t.unknownSize : formatBytes(layer.size),
    step: layer.step || t.baseLayer,
  };
}

export function nodeSummary(node: SwarmNode): string {
  return `${node.role}${node.leader ? ' ★' : ''} · ${node.availability}`;
}

export function tasksOn(state: DockerState, node: SwarmNode): Task[] {
  return objectsOf(state, 'tasks').filter((task) => task.node === node.id);
}

/** A service removed since is still known by its id. */
export function serviceName(state: DockerState, task: Task): string {
  const service = findObject(state, 'services', task.service);
  return service ? objectName('services', service) : task.service;
}

export function nodeName(state: DockerState, id: string): string {
  const node = findObject(state, 'nodes', id);
  return node ? objectName('nodes', node) : id;
}

/** As `docker service ps` names a task: its service and slot, or for a global service's task, its node. */
export function taskName(state: DockerState, task: Task): string {
  return `${serviceName(state, task)}.${task.slot ?? nodeName(state, task.node)}`;
}

/** A task drawn on its node's card leaves the node out of its label. */
export function taskLabel(state: DockerState, task: Task): string {
  return `${serviceName(state, task)}${task.slot !== null ? `.${task.slot}` : ''}`;
}
