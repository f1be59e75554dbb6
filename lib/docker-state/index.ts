/**
 * A picture of one learner's Docker (images, containers, networks, volumes, and in a Swarm lab the
 * nodes and tasks), as the server sends it to the state panel beside the terminal. Used by both ends:
 * the server builds it (./gather.ts), the browser draws it and tells what the last command changed.
 */

export interface Layer {
  /** The layer's content digest, shortened: equal ids are one layer stored once and shared. */
  id: string;
  /** Bytes, or null when Docker's history of the image cannot be matched to its layers. */
  size: number | null;
  /** The build step that made it, e.g. "RUN apt-get install nginx". */
  step: string;
}

export interface Image {
  id: string;
  tags: string[];
  size: number;
  /** Oldest (the base) first. */
  layers: Layer[];
  moreLayers: number;
}

export interface Container {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  /** Published ports as "8080→80/tcp". */
  ports: string[];
  networks: string[];
  mounts: Mount[];
}

export interface Mount {
  /** The volume's name, or null for a bind mount or tmpfs. */
  volume: string | null;
  source: string;
  destination: string;
}

export interface Network {
  id: string;
  name: string;
  driver: string;
  scope: string;
}

export interface Volume {
  name: string;
  driver: string;
}

export interface SwarmNode {
  id: string;
  hostname: string;
  role: string;
  state: string;
  availability: string;
  leader: boolean;
}

export interface Service {
  id: string;
  name: string;
  image: string;
  /** "replicated 3" or "global". */
  mode: string;
}

export interface Task {
  id: string;
  service: string;
  slot: number | null;
  node: string;
  state: string;
  desired: string;
}

/** Present only on a Swarm manager: workers cannot list the swarm. */
export interface Swarm {
  nodes: SwarmNode[];
  services: Service[];
  tasks: Task[];
}

export type Kind = 'images' | 'containers' | 'networks' | 'volumes';

export interface DockerState {
  images: Image[];
  containers: Container[];
  networks: Network[];
  volumes: Volume[];
  swarm: Swarm | null;
  /** How many of each were left out to keep the picture (and the message) small. */
  more: Record<Kind | 'tasks', number>;
}

/** What the server sends: the picture, and whether changes are still on their way into it. */
export interface StateUpdate {
  /** Absent when only `catchingUp` changed. */
  state?: DockerState;
  /** Events arrived that the picture does not show yet: a burst settling, or a daemon not answering. */
  catchingUp: boolean;
}

/** Most objects of each kind the picture holds; the rest are counted in `more`. */
export const caps = { images: 20, layers: 30, containers: 40, networks: 20, volumes: 30, nodes: 10, services: 20, tasks: 60, text: 120 };

export const emptyState: DockerState = { images: [], containers: [], networks: [], volumes: [], swarm: null, more: { images: 0, containers: 0, networks: 0, volumes: 0, tasks: 0 } };

/** Keys every object of a picture, e.g. "containers:web"; the browser highlights by them. */
export function objectKeys(state: DockerState): Map<string, string> {
  const keys = new Map<string, string>();
  const add = (key: string, value: unknown) => keys.set(key, JSON.stringify(value));
  for (const image of state.images) add(`images:${image.id}`, image);
  // A container's status text ("Up 5 seconds") ages by itself: only a new state is a change.
  for (const { status: _, ...container } of state.containers) add(`containers:${container.id}`, container);
  for (const network of state.networks) add(`networks:${network.id}`, network);
  for (const volume of state.volumes) add(`volumes:${volume.name}`, volume);
  for (const node of state.swarm?.nodes ?? []) add(`nodes:${node.id}`, node);
  for (const service of state.swarm?.services ?? []) add(`services:${service.id}`, service);
  for (const task of state.swarm?.tasks ?? []) add(`tasks:${task.id}`, task);
  return keys;
}

export interface Change {
  added: string[];
  changed: string[];
  removed: string[];
}

/** What differs between two pictures, by object key. */
export function diffStates(before: DockerState, after: DockerState): Change {
  const old = objectKeys(before);
  const now = objectKeys(after);
  const change: Change = { added: [], changed: [], removed: [] };
  for (const [key, value] of now) {
    const was = old.get(key);
    if (was === undefined) change.added.push(key);
    else if (was !== value) change.changed.push(key);
  }
  for (const key of old.keys()) if (!now.has(key)) change.removed.push(key);
  return change;
}

/** A human size, as Docker prints it: 1000-based, one decimal at most. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** How many images hold each layer: above 1, the layer is shared. */
export function layerUse(images: Image[]): Map<string, number> {
  const use = new Map<string, number>();
  for (const image of images) for (const id of new Set(image.layers.map((layer) => layer.id))) use.set(id, (use.get(id) ?? 0) + 1);
  return use;
}
