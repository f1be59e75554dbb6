import '#server-only';
import type { Check } from './schema';

/** Runs the docker CLI in the learner's sandbox, as the learner. */
export type Docker = (args: string[]) => Promise<{ exitCode: number; stdout: string }>;

/** What is missing, in both languages: the learner sees exactly which item is not there yet. */
export interface Problem {
  en: string;
  ko: string;
}

export type CheckResult = { passed: true } | { passed: false; problem: Problem };

const pass: CheckResult = { passed: true };
const fail = (en: string, ko: string): CheckResult => ({ passed: false, problem: { en, ko } });

/** "nginx", "nginx:latest" and "docker.io/library/nginx:latest" are one image. */
export const normalizeImage = (ref: string) => {
  const withTag = /:[^/]+$/.test(ref) ? ref : `${ref}:latest`;
  return withTag.replace(/^(docker\.io\/)?(library\/)?/, '');
};

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
      const what = check.name ? `named “${check.name}”` : `from the image “${check.image}”`;
      const whatKo = check.name ? `이름이 “${check.name}”인` : `“${check.image}” 이미지로 만든`;
      if (!candidates.length) return fail(`There is no container ${what} yet.`, `${whatKo} 컨테이너가 아직 없습니다.`);
      const container = candidates.find((row) => !check.state || row.State === check.state) ?? candidates[0]!;
      if (check.image && normalizeImage(container.Image) !== normalizeImage(check.image))
        return fail(`The container ${what} runs the image “${container.Image}”, not “${check.image}”.`, `${whatKo} 컨테이너의 이미지가 “${check.image}”가 아니라 “${container.Image}”입니다.`);
      if (check.state && container.State !== check.state)
        return fail(`The container ${what} is ${container.State}, not ${check.state}.`, `${whatKo} 컨테이너의 상태가 ${check.state}가 아니라 ${container.State}입니다.`);
      if (check.port && !new RegExp(`:${check.port}->`).test(container.Ports))
        return fail(`The container ${what} does not publish port ${check.port}.`, `${whatKo} 컨테이너가 ${check.port} 포트를 공개하지 않습니다.`);
      return pass;
    }
    case 'image': {
      const { exitCode, stdout } = await docker(['image', 'inspect', check.name, '--format', '{{json .Config.Labels}}']);
      if (exitCode !== 0) return fail(`There is no image “${check.name}” yet.`, `“${check.name}” 이미지가 아직 없습니다.`);
      if (check.label) {
        const [key, value] = [check.label.slice(0, check.label.indexOf('=')), check.label.slice(check.label.indexOf('=') + 1)];
        const labels = (JSON.parse(stdout || 'null') ?? {}) as Record<string, string>;
        if (labels[key] !== value)
          return fail(`The image “${check.name}” has no label ${key}=${value}.`, `“${check.name}” 이미지에 ${key}=${value} 레이블이 없습니다.`);
      }
      return pass;
    }
    case 'volume': {
      if ((await docker(['volume', 'inspect', check.name])).exitCode !== 0)
        return fail(`There is no volume “${check.name}” yet.`, `“${check.name}” 볼륨이 아직 없습니다.`);
      if (check.file) {
        const probe = await docker(['run', '--rm', '-v', `${check.name}:/check:ro`, 'busybox', 'test', '-e', `/check${check.file}`]);
        if (probe.exitCode !== 0) return fail(`The volume “${check.name}” has no file ${check.file}.`, `“${check.name}” 볼륨에 ${check.file} 파일이 없습니다.`);
      }
      return pass;
    }
    case 'network': {
      const { exitCode, stdout } = await docker(['network', 'inspect', check.name, '--format', '{{json .Containers}}']);
      if (exitCode !== 0) return fail(`There is no network “${check.name}” yet.`, `“${check.name}” 네트워크가 아직 없습니다.`);
      if (check.container) {
        const attached = Object.values((JSON.parse(stdout || 'null') ?? {}) as Record<string, { Name: string }>).map((c) => c.Name);
        if (!attached.includes(check.container))
          return fail(`The container “${check.container}” is not attached to the network “${check.name}”.`, `“${check.container}” 컨테이너가 “${check.name}” 네트워크에 연결되어 있지 않습니다.`);
      }
      return pass;
    }
    case 'compose': {
      const project = `Compose project “${check.project}”`;
      const projectKo = `Compose 프로젝트 “${check.project}”`;
      const { stdout } = await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${check.project}`, '--format', '{{.Label "com.docker.compose.service"}} {{.State}}']);
      const rows = stdout.split('\n').filter(Boolean).map((line) => line.split(' ') as [service: string, state: string]);
      if (!rows.length) return fail(`There is no container of the ${project} yet.`, `${projectKo}의 컨테이너가 아직 없습니다.`);
      const running = rows.filter(([, state]) => state === 'running');
      for (const service of check.services?.split(',') ?? []) {
        if (!rows.some(([name]) => name === service))
          return fail(`The ${project} has no container for the service “${service}”.`, `${projectKo}에 “${service}” 서비스의 컨테이너가 없습니다.`);
        if (!running.some(([name]) => name === service))
          return fail(`No container of the service “${service}” in the ${project} is running.`, `${projectKo}에서 “${service}” 서비스의 컨테이너가 하나도 실행 중이 아닙니다.`);
      }
      if (check.running && running.length < check.running)
        return fail(`The ${project} needs at least ${check.running} running containers, and has ${running.length}.`, `${projectKo}에는 실행 중인 컨테이너가 적어도 ${check.running}개 있어야 하는데, 지금은 ${running.length}개입니다.`);
      return pass;
    }
    case 'swarm': {
      const nodes = await swarmNodes(docker);
      if (!nodes) return notManager;
      const ready = nodes.filter((node) => node.Status === 'Ready').length;
      if (ready < check.nodes)
        return fail(`The swarm has ${ready} ready node(s); it needs ${check.nodes}.`, `스웜에 준비된 노드가 ${check.nodes}개 있어야 하는데 지금은 ${ready}개입니다.`);
      return pass;
    }
    case 'node': {
      const nodes = await swarmNodes(docker);
      if (!nodes) return notManager;
      const node = nodes.find((n) => n.Hostname === check.name);
      if (!node) return fail(`The node “${check.name}” is not in the swarm.`, `“${check.name}” 노드가 스웜에 없습니다.`);
      if (check.availability && node.Availability.toLowerCase() !== check.availability)
        return fail(`The node “${check.name}” is ${node.Availability.toLowerCase()}, not ${check.availability}.`, `“${check.name}” 노드의 가용성이 ${check.availability}가 아니라 ${node.Availability.toLowerCase()}입니다.`);
      if (check.status && node.Status.toLowerCase() !== check.status)
        return fail(`The node “${check.name}” is ${node.Status.toLowerCase()}, not ${check.status}.`, `“${check.name}” 노드의 상태가 ${check.status}가 아니라 ${node.Status.toLowerCase()}입니다.`);
      return pass;
    }
    case 'service': {
      const { exitCode, stdout } = await docker(['service', 'ls', '--format', '{{json .}}']);
      if (exitCode !== 0) return notManager;
      const service = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ServiceRow).find((row) => row.Name === check.name);
      if (!service) return fail(`There is no service “${check.name}” yet.`, `“${check.name}” 서비스가 아직 없습니다.`);
      if (check.image && normalizeImage(service.Image.split('@')[0]!) !== normalizeImage(check.image))
        return fail(`The service “${check.name}” runs “${service.Image}”, not “${check.image}”.`, `“${check.name}” 서비스의 이미지가 “${check.image}”가 아니라 “${service.Image}”입니다.`);
      const [running = 0, desired = 0] = service.Replicas.split(/[/ ]/).map(Number);
      if (check.replicas !== undefined && (running !== check.replicas || desired !== check.replicas))
        return fail(`The service “${check.name}” has ${running} of ${desired} replicas running; it needs ${check.replicas}.`, `“${check.name}” 서비스의 복제본이 ${desired}개 중 ${running}개 실행 중입니다. ${check.replicas}개여야 합니다.`);
      // Ports published in host mode are not in `service ls`; the service's own definition has them all.
      const published = check.port ? await docker(['service', 'inspect', check.name, '--format', '{{json .Spec.EndpointSpec.Ports}}']) : null;
      if (check.port && !(JSON.parse(published?.stdout || 'null') as { PublishedPort?: number }[] | null)?.some((p) => p.PublishedPort === check.port))
        return fail(`The service “${check.name}” does not publish port ${check.port}.`, `“${check.name}” 서비스가 ${check.port} 포트를 공개하지 않습니다.`);
      if (check.spread) {
        const tasks = await docker(['service', 'ps', check.name, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']);
        const nodes = new Set(tasks.stdout.split('\n').filter((line) => / Running /.test(`${line} `)).map((line) => line.split(' ')[0]));
        if (nodes.size < check.spread)
          return fail(`The tasks of “${check.name}” run on ${nodes.size} node(s); spread them over ${check.spread}.`, `“${check.name}” 서비스의 태스크가 ${nodes.size}개 노드에서 실행 중입니다. ${check.spread}개 노드에 퍼져야 합니다.`);
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

const notManager = fail('This Docker is not a swarm manager yet: run docker swarm init on node1 first.', '이 Docker는 아직 스웜 매니저가 아닙니다. 먼저 node1에서 docker swarm init을 실행하세요.');

async function swarmNodes(docker: Docker) {
  const { exitCode, stdout } = await docker(['node', 'ls', '--format', '{{json .}}']);
  if (exitCode !== 0) return null;
  return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { Hostname: string; Status: string; Availability: string });
}
