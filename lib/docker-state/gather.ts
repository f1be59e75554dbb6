import '#server-only';
import { caps, type Container, type DockerState, type Image, type Layer, type Network, type Service, type Swarm, type SwarmNode, type Task, type Volume } from './index';

/**
 * One shell script, run in the sandbox as the learner, that asks the learner's daemon for everything
 * the picture needs. It speaks to the Engine API with curl (a docker CLI per list would cost the
 * sandbox's one CPU several times as much) and cuts every list with jq to the first N plus its length,
 * so neither the exec's output nor the server's memory grows with what the learner creates.
 * Each part is printed after a line "@@name". Arguments: the ids of images whose layers are known
 * already (layers never change for an image id), so they are not asked again.
 */
export const gatherScript = `
S=\${DOCKER_HOST#unix://}
api() { curl -s --max-time 5 --unix-socket "$S" "http://docker$1"; }
part() { printf '\\n@@%s\\n' "$1"; }
first() { jq -c "if type == \\"array\\" then {total: length, items: ($1)[:$2]} else null end"; }
part containers; api '/containers/json?all=1' | first . ${caps.containers}
images=$(api /images/json | first 'sort_by(-.Created)' ${caps.images})
part images; printf '%s' "$images"
part networks; api /networks | first 'sort_by(.Name)' ${caps.networks}
part volumes; api /volumes | jq -c '.Volumes // []' | first 'sort_by(.Name)' ${caps.volumes}
part nodes; api /nodes | first 'sort_by(.Description.Hostname)' ${caps.nodes}
part services; api /services | first 'sort_by(.Spec.Name)' ${caps.services}
part tasks; api /tasks | first 'map(select(.DesiredState != "shutdown" and .DesiredState != "remove")) | sort_by(.ServiceID, .Slot)' ${caps.tasks}
for id in $(printf '%s' "$images" | jq -r '.items[]?.Id'); do
  case " $* " in *" $id "*) continue ;; esac
  part "history $id"; api "/images/$id/history" | jq -c 'map({CreatedBy, Size})'
  part "layers $id"; api "/images/$id/json" | jq -c '.RootFS.Layers'
done
`;

export class GatherError extends Error {}

type Json = Record<string, unknown>;
interface Cut {
  total: number;
  items: Json[];
}

/** Splits the script's output into its parts by name. */
function parts(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const chunk of text.split('\n@@').slice(1)) {
    const newline = chunk.indexOf('\n');
    if (newline > 0) found.set(chunk.slice(0, newline), chunk.slice(newline + 1).trim());
  }
  return found;
}

function json(text: string | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function cut(text: string | undefined, max: number): Cut | null {
  const value = json(text) as Partial<Cut> | null;
  if (!value || typeof value.total !== 'number' || !Array.isArray(value.items)) return null;
  // The script cuts already; cutting again keeps the server's promise even if it did not.
  return { total: value.total, items: value.items.filter((item): item is Json => !!item && typeof item === 'object').slice(0, max) };
}

const str = (value: unknown) => (typeof value === 'string' ? value : '').slice(0, caps.text);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** "sha256:0123456789abcdef…" → "0123456789ab", as `docker ps` and `docker images` show ids. */
export const shortId = (id: unknown) => str(id).replace(/^sha256:/, '').slice(0, 12);

/** A build step as a learner would have written it, from the command Docker recorded. */
export function stepOf(createdBy: string): string {
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/ # buildkit$/, '')
    .trim()
    .slice(0, caps.text);
}

/**
 * An image's layers (base first) with their sizes and steps. Docker's history lists every step,
 * newest first, and only the steps with content made a layer; when their number does not match the
 * layers (a step that made an empty layer), the sizes are left unknown rather than guessed.
 */
export function matchLayers(diffIds: unknown, history: unknown): Layer[] {
  const ids = arr(diffIds).filter((id): id is string => typeof id === 'string');
  const steps = arr(history)
    .map(obj)
    .reverse()
    .filter((entry) => num(entry.Size) > 0);
  const matched = steps.length === ids.length;
  return ids.map((id, i) => ({ id: shortId(id), size: matched ? num(steps[i]!.Size) : null, step: matched ? stepOf(str(steps[i]!.CreatedBy)) : '' }));
}

function container(item: Json): Container {
  const ports = new Set<string>();
  for (const port of arr(item.Ports).map(obj)) if (port.PublicPort) ports.add(`${num(port.PublicPort)}→${num(port.PrivatePort)}/${str(port.Type)}`);
  return {
    id: shortId(item.Id),
    name: str(arr(item.Names)[0]).replace(/^\//, ''),
    // A swarm task's image is named with its digest: the name alone says enough here.
    image: str(item.Image).startsWith('sha256:') ? shortId(item.Image) : str(item.Image).replace(/@sha256:.*$/, ''),
    state: str(item.State),
    status: str(item.Status),
    ports: [...ports],
    networks: Object.keys(obj(obj(item.NetworkSettings).Networks)).slice(0, caps.networks).map((name) => name.slice(0, caps.text)),
    mounts: arr(item.Mounts)
      .map(obj)
      .slice(0, 10)
      .map((mount) => ({ volume: mount.Type === 'volume' ? str(mount.Name) : null, source: mount.Type === 'bind' ? str(mount.Source) : str(mount.Type), destination: str(mount.Destination) })),
  };
}

function image(item: Json, layers: Map<string, Layer[]>): Image {
  const all = layers.get(str(item.Id)) ?? [];
  const tags = arr(item.RepoTags)
    .map(str)
    .filter((tag) => tag && tag !== '<none>:<none>');
  // Pulled by digest (as a swarm service does), an image has no tag but is still known by its name.
  const digests = arr(item.RepoDigests).map((digest) => str(digest).replace(/@sha256:(.{12}).*$/, '@$1…'));
  return {
    id: shortId(item.Id),
    tags: (tags.length ? tags : digests).slice(0, 5),
    size: num(item.Size),
    layers: all.slice(0, caps.layers),
    moreLayers: Math.max(0, all.length - caps.layers),
  };
}

const network = (item: Json): Network => ({ id: shortId(item.Id), name: str(item.Name), driver: str(item.Driver), scope: str(item.Scope) });
const volume = (item: Json): Volume => ({ name: str(item.Name), driver: str(item.Driver) });

function swarmOf(nodes: Cut | null, services: Cut | null, tasks: Cut | null): Swarm | null {
  if (!nodes) return null;
  const serviceList: Service[] = (services?.items ?? []).map((item) => {
    const spec = obj(item.Spec);
    const replicated = obj(obj(spec.Mode).Replicated);
    return {
      id: shortId(item.ID),
      name: str(spec.Name),
      image: str(obj(obj(spec.TaskTemplate).ContainerSpec).Image).replace(/@sha256:.*$/, ''),
      mode: 'Replicated' in obj(spec.Mode) ? `replicated ${num(replicated.Replicas)}` : 'global',
    };
  });
  const nodeList: SwarmNode[] = nodes.items.map((item) => ({
    id: shortId(item.ID),
    hostname: str(obj(item.Description).Hostname),
    role: str(obj(item.Spec).Role),
    state: str(obj(item.Status).State),
    availability: str(obj(item.Spec).Availability),
    leader: obj(item.ManagerStatus).Leader === true,
  }));
  const taskList: Task[] = (tasks?.items ?? []).map((item) => ({
    id: shortId(item.ID),
    service: shortId(item.ServiceID),
    slot: typeof item.Slot === 'number' ? item.Slot : null,
    node: shortId(item.NodeID),
    state: str(obj(item.Status).State),
    desired: str(item.DesiredState),
  }));
  return { nodes: nodeList, services: serviceList, tasks: taskList };
}

/**
 * The picture from the script's output. `layers` holds what is known of images' layers, by full
 * image id; layers the output brings are added to it, and images that are gone are dropped from it.
 * Throws GatherError when the daemon did not answer, so the last good picture stays.
 */
export function parseGather(text: string, layers: Map<string, Layer[]>): DockerState {
  const found = parts(text);
  const containers = cut(found.get('containers'), caps.containers);
  const images = cut(found.get('images'), caps.images);
  const networks = cut(found.get('networks'), caps.networks);
  const volumes = cut(found.get('volumes'), caps.volumes);
  if (!containers || !images || !networks || !volumes) throw new GatherError('the Docker daemon did not answer');
  for (const item of images.items) {
    const id = str(item.Id);
    const ids = json(found.get(`layers ${id}`));
    if (ids) layers.set(id, matchLayers(ids, json(found.get(`history ${id}`))));
  }
  const present = new Set(images.items.map((item) => str(item.Id)));
  for (const id of layers.keys()) if (!present.has(id)) layers.delete(id);
  const tasks = cut(found.get('tasks'), caps.tasks);
  return {
    images: images.items.map((item) => image(item, layers)),
    containers: containers.items.map(container),
    networks: networks.items.map(network),
    volumes: volumes.items.map(volume),
    swarm: swarmOf(cut(found.get('nodes'), caps.nodes), cut(found.get('services'), caps.services), tasks),
    more: {
      images: images.total - images.items.length,
      containers: containers.total - containers.items.length,
      networks: networks.total - networks.items.length,
      volumes: volumes.total - volumes.items.length,
      tasks: tasks ? tasks.total - tasks.items.length : 0,
    },
  };
}
