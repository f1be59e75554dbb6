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

export interface DockerState {
  images: Image[];
  containers: Container[];
  networks: Network[];
  volumes: Volume[];
  swarm: Swarm | null;
  /** How many of each were left out to keep the picture (and the message) small. */
  more: Record<Exclude<Kind, 'nodes' | 'services'>, number>;
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

/** The objects of each kind a picture holds. */
export interface ObjectsByKind {
  images: Image;
  containers: Container;
  networks: Network;
  volumes: Volume;
  nodes: SwarmNode;
  services: Service;
  tasks: Task;
}

export type Kind = keyof ObjectsByKind;

interface KindOfObject<Item> {
  list: (state: DockerState) => Item[];
  /** What tells it from the others of its kind, as Docker does. */
  id: (object: Item) => string;
  /** The name a learner knows it by. */
  name: (object: Item) => string;
  /** What of it counts for "changed"; all of it unless said. */
  compared?: (object: Item) => unknown;
}

const objectKinds: { [K in Kind]: KindOfObject<ObjectsByKind[K]> } = {
  images: { list: (state) => state.images, id: (image) => image.id, name: (image) => image.tags[0] ?? image.id },
  containers: {
    list: (state) => state.containers,
    id: (container) => container.id,
    name: (container) => container.name,
    // A container's status text ("Up 5 seconds") ages by itself: only a new state is a change.
    compared: ({ status: _, ...container }) => container,
  },
  networks: { list: (state) => state.networks, id: (network) => network.id, name: (network) => network.name },
  // Docker names volumes and gives them no other id.
  volumes: { list: (state) => state.volumes, id: (volume) => volume.name, name: (volume) => volume.name },
  nodes: { list: (state) => state.swarm?.nodes ?? [], id: (node) => node.id, name: (node) => node.hostname },
  services: { list: (state) => state.swarm?.services ?? [], id: (service) => service.id, name: (service) => service.name },
  tasks: { list: (state) => state.swarm?.tasks ?? [], id: (task) => task.id, name: (task) => task.id },
};

/** Every kind, in the order the picture draws them and a sentence about a change names them. */
export const kinds = Object.keys(objectKinds) as Kind[];

/** One object of a picture, e.g. "containers:bb215a8a5c63"; the browser highlights and selects by them. */
export type ObjectKey = `${Kind}:${string}`;

export function objectKey(kind: Kind, id: string): ObjectKey {
  return `${kind}:${id}`;
}

/** The kind and id an `objectKey` was made of; ids may hold ':' themselves, kinds never do. */
export function parseObjectKey(key: ObjectKey): { kind: Kind; id: string } {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as Kind, id: key.slice(colon + 1) };
}

/** The key of an object of the given kind. */
function keyOf<K extends Kind>(kind: K, object: ObjectsByKind[K]): ObjectKey {
  return objectKey(kind, objectKinds[kind].id(object));
}

/** Every object of one kind in a picture. */
export function objectsOf<K extends Kind>(state: DockerState, kind: K): ObjectsByKind[K][] {
  return objectKinds[kind].list(state);
}

/** The object of that kind and id, if the picture holds it. */
export function findObject<K extends Kind>(state: DockerState, kind: K, id: string): ObjectsByKind[K] | undefined {
  return objectsOf(state, kind).find((object) => objectKinds[kind].id(object) === id);
}

/** The name a learner knows an object by. */
export function objectName<K extends Kind>(kind: K, object: ObjectsByKind[K]): string {
  return objectKinds[kind].name(object);
}

/** The objects of one kind, each under its key, as compared between pictures. */
function comparedObjects<K extends Kind>(state: DockerState, kind: K): [ObjectKey, string][] {
  const { compared = (object) => object } = objectKinds[kind];
  return objectsOf(state, kind).map((object) => [keyOf(kind, object), JSON.stringify(compared(object))]);
}

/** Every object of a picture, by key, as compared between pictures. */
export function objectKeys(state: DockerState): Map<ObjectKey, string> {
  return new Map(kinds.flatMap((kind) => comparedObjects(state, kind)));
}

export interface Change {
  added: ObjectKey[];
  changed: ObjectKey[];
  removed: ObjectKey[];
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
