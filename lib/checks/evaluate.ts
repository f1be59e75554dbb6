import '#server-only';
import type { Check } from './schema';

/** Runs the docker CLI in the learner's sandbox, as the learner. */
export type Docker = (args: string[]) => Promise<{ exitCode: number; stdout: string }>;

/** A container as the check names it: by its name, or else by the image it runs. */
export type ContainerRef = { name: string } | { image: string };

/**
 * What a check can find missing, each with the facts that say exactly which item is not there yet.
 * `expected` is what the check asks for where the learner's Docker has something else; `needed` is a
 * count it asks for. The sentences are in lib/i18n (checkReplies.problems), told by lib/checks/describe.ts.
 */
export interface Problems {
  noContainer: { which: ContainerRef };
  containerImage: { which: ContainerRef; image: string; expected: string };
  containerState: { which: ContainerRef; state: string; expected: string };
  containerPort: { which: ContainerRef; port: number };
  containerHealth: { which: ContainerRef; health: string; expected: string };
  containerWritable: { which: ContainerRef };
  containerRoot: { which: ContainerRef };
  containerCapabilities: { which: ContainerRef };
  noImage: { image: string };
  imageLabel: { image: string; label: string };
  noVolume: { volume: string };
  volumeFile: { volume: string; file: string };
  noNetwork: { network: string };
  notAttached: { network: string; container: string };
  noComposeContainer: { project: string };
  composeServiceMissing: { project: string; service: string };
  composeServiceStopped: { project: string; service: string };
  composeTooFew: { project: string; running: number; needed: number };
  notManager: Record<never, never>;
  swarmTooFew: { ready: number; needed: number };
  noNode: { node: string };
  nodeAvailability: { node: string; availability: string; expected: string };
  nodeStatus: { node: string; status: string; expected: string };
  noService: { service: string };
  serviceImage: { service: string; image: string; expected: string };
  serviceReplicas: { service: string; running: number; desired: number; needed: number };
  servicePort: { service: string; port: number };
  serviceSpread: { service: string; nodes: number; needed: number };
}

export type ProblemCode = keyof Problems;
export type Problem = { [Code in ProblemCode]: { code: Code } & Problems[Code] }[ProblemCode];

export type CheckResult = { passed: true } | { passed: false; problem: Problem };

const pass: CheckResult = { passed: true };
// TypeScript cannot tell that a code and its own facts make one member of the union.
const fail = <Code extends ProblemCode>(code: Code, facts: Problems[Code]): CheckResult => ({ passed: false, problem: { code, ...facts } as Problem });

/** "nginx", "nginx:latest" and "docker.io/library/nginx:latest" are one image. */
export const normalizeImage = (ref: string) => {
  const withTag = /:[^/]+$/.test(ref) ? ref : `${ref}:latest`;
  return withTag.replace(/^(docker\.io\/)?(library\/)?/, '');
};

interface Inspected {
  State: { Health?: { Status: string } };
  Config: { User: string };
  HostConfig: { ReadonlyRootfs: boolean; CapDrop: string[] | null };
}

/** The parts of a container check that only `docker inspect` knows. */
async function howItRuns(check: Extract<Check, { kind: 'container' }>, name: string, which: ContainerRef, docker: Docker): Promise<CheckResult> {
  const { stdout } = await docker(['container', 'inspect', name, '--format', '{{json .}}']);
  const { State, Config, HostConfig } = JSON.parse(stdout) as Inspected;
  // A container without a health check has no verdict at all.
  const health = State.Health?.Status ?? 'none';
  if (check.health && health !== check.health) return fail('containerHealth', { which, health, expected: check.health });
  if (check.rootfs && !HostConfig.ReadonlyRootfs) return fail('containerWritable', { which });
  if (check.user && /^(|root|0)(:.*)?$/.test(Config.User)) return fail('containerRoot', { which });
  if (check.capdrop && !(HostConfig.CapDrop ?? []).some((cap) => cap.toUpperCase() === 'ALL')) return fail('containerCapabilities', { which });
  return pass;
}

interface PsRow {
  Names: string;
  Image: string;
  State: string;
  Ports: string;
}

/** Asks the learner's own daemon; nothing the browser says is taken into account. */
export async function evaluate(check: Check, docker: Docker): Promise<CheckResult> {
  switch (check.kind) {
    case 'container': {
      const { stdout } = await docker(['ps', '-a', '--no-trunc', '--format', '{{json .}}']);
      const rows = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PsRow);
      const candidates = rows.filter(
        (row) => (!check.name || row.Names === check.name) && (check.name || !check.image || normalizeImage(row.Image) === normalizeImage(check.image)),
      );
      // By its name if the check gives one, else by its image (a check that gives neither accepts any container).
      const which: ContainerRef = check.name ? { name: check.name } : { image: check.image ?? '' };
      if (!candidates.length) return fail('noContainer', { which });
      const container = candidates.find((row) => !check.state || row.State === check.state) ?? candidates[0]!;
      if (check.image && normalizeImage(container.Image) !== normalizeImage(check.image))
        return fail('containerImage', { which, image: container.Image, expected: check.image });
      if (check.state && container.State !== check.state)
        return fail('containerState', { which, state: container.State, expected: check.state });
      if (check.port && !new RegExp(`:${check.port}->`).test(container.Ports))
        return fail('containerPort', { which, port: check.port });
      return check.health || check.rootfs || check.user || check.capdrop ? howItRuns(check, container.Names, which, docker) : pass;
    }
    case 'image': {
      const { exitCode, stdout } = await docker(['image', 'inspect', check.name, '--format', '{{json .Config.Labels}}']);
      if (exitCode !== 0) return fail('noImage', { image: check.name });
      if (check.label) {
        const [key, value] = [check.label.slice(0, check.label.indexOf('=')), check.label.slice(check.label.indexOf('=') + 1)];
        const labels = (JSON.parse(stdout || 'null') ?? {}) as Record<string, string>;
        if (labels[key] !== value) return fail('imageLabel', { image: check.name, label: check.label });
      }
      return pass;
    }
    case 'volume': {
      if ((await docker(['volume', 'inspect', check.name])).exitCode !== 0)
        return fail('noVolume', { volume: check.name });
      if (check.file) {
        const probe = await docker(['run', '--rm', '-v', `${check.name}:/check:ro`, 'busybox', 'test', '-e', `/check${check.file}`]);
        if (probe.exitCode !== 0) return fail('volumeFile', { volume: check.name, file: check.file });
      }
      return pass;
    }
    case 'network': {
      const { exitCode, stdout } = await docker(['network', 'inspect', check.name, '--format', '{{json .Containers}}']);
      if (exitCode !== 0) return fail('noNetwork', { network: check.name });
      if (check.container) {
        const attached = Object.values((JSON.parse(stdout || 'null') ?? {}) as Record<string, { Name: string }>).map((c) => c.Name);
        if (!attached.includes(check.container)) return fail('notAttached', { network: check.name, container: check.container });
      }
      return pass;
    }
    case 'compose': {
      const { project } = check;
      const { stdout } = await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${check.project}`, '--format', '{{.Label "com.docker.compose.service"}} {{.State}}']);
      const rows = stdout.split('\n').filter(Boolean).map((line) => line.split(' ') as [service: string, state: string]);
      if (!rows.length) return fail('noComposeContainer', { project });
      const running = rows.filter(([, state]) => state === 'running');
      for (const service of check.services?.split(',') ?? []) {
        if (!rows.some(([name]) => name === service)) return fail('composeServiceMissing', { project, service });
        if (!running.some(([name]) => name === service)) return fail('composeServiceStopped', { project, service });
      }
      if (check.running && running.length < check.running)
        return fail('composeTooFew', { project, running: running.length, needed: check.running });
      return pass;
    }
    case 'swarm': {
      const nodes = await swarmNodes(docker);
      if (!nodes) return notManager;
      const ready = nodes.filter((node) => node.Status === 'Ready').length;
      if (ready < check.nodes) return fail('swarmTooFew', { ready, needed: check.nodes });
      return pass;
    }
    case 'node': {
      const nodes = await swarmNodes(docker);
      if (!nodes) return notManager;
      const node = nodes.find((n) => n.Hostname === check.name);
      if (!node) return fail('noNode', { node: check.name });
      if (check.availability && node.Availability.toLowerCase() !== check.availability)
        return fail('nodeAvailability', { node: check.name, availability: node.Availability.toLowerCase(), expected: check.availability });
      if (check.status && node.Status.toLowerCase() !== check.status)
        return fail('nodeStatus', { node: check.name, status: node.Status.toLowerCase(), expected: check.status });
      return pass;
    }
    case 'service': {
      const { exitCode, stdout } = await docker(['service', 'ls', '--format', '{{json .}}']);
      if (exitCode !== 0) return notManager;
      const service = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ServiceRow).find((row) => row.Name === check.name);
      if (!service) return fail('noService', { service: check.name });
      if (check.image && normalizeImage(service.Image.split('@')[0]!) !== normalizeImage(check.image))
        return fail('serviceImage', { service: check.name, image: service.Image, expected: check.image });
      const [running = 0, desired = 0] = service.Replicas.split(/[/ ]/).map(Number);
      if (check.replicas !== undefined && (running !== check.replicas || desired !== check.replicas))
        return fail('serviceReplicas', { service: check.name, running, desired, needed: check.replicas });
      // Ports published in host mode are not in `service ls`; the service's own definition has them all.
      const published = check.port ? await docker(['service', 'inspect', check.name, '--format', '{{json .Spec.EndpointSpec.Ports}}']) : null;
      if (check.port && !(JSON.parse(published?.stdout || 'null') as { PublishedPort?: number }[] | null)?.some((p) => p.PublishedPort === check.port))
        return fail('servicePort', { service: check.name, port: check.port });
      if (check.spread) {
        const tasks = await docker(['service', 'ps', check.name, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']);
        const nodes = new Set(tasks.stdout.split('\n').filter((line) => / Running /.test(`${line} `)).map((line) => line.split(' ')[0]));
        if (nodes.size < check.spread)
          return fail('serviceSpread', { service: check.name, nodes: nodes.size, needed: check.spread });
      }
      return pass;
    }
  }
}

interface ServiceRow {
  Name: string;
  Image: string;
  Replicas: string;
}

const notManager = fail('notManager', {});

async function swarmNodes(docker: Docker) {
  const { exitCode, stdout } = await docker(['node', 'ls', '--format', '{{json .}}']);
  if (exitCode !== 0) return null;
  return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { Hostname: string; Status: string; Availability: string });
}
