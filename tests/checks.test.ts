import { describe, expect, it } from 'vitest';
import { describeProblem } from '@/lib/checks/describe';
import { evaluate, normalizeImage, type Docker, type Problem, type ProblemCode, type Problems } from '@/lib/checks/evaluate';
import { checkSchema } from '@/lib/checks/schema';

/** A stand-in for the docker CLI in a sandbox: answers from a table, exit 1 for anything else. */
const docker = (answers: Record<string, string>): Docker => async (args) => {
  const key = args.join(' ');
  return key in answers ? { exitCode: 0, stdout: answers[key]! } : { exitCode: 1, stdout: '' };
};
const ps = (...rows: object[]) => ({ 'ps -a --no-trunc --format {{json .}}': rows.map((r) => JSON.stringify(r)).join('\n') });
const compose = (...rows: string[]) =>
  docker({ 'ps -a --filter label=com.docker.compose.project=visits --format {{.Label "com.docker.compose.service"}} {{.State}}': rows.join('\n') });
const web = { Names: 'web', Image: 'nginx', State: 'running', Ports: '0.0.0.0:8080->80/tcp' };

describe('evaluate', () => {
  describe('swarm', () => {
    const lines = (...rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
    const swarm = docker({
      'node ls --format {{json .}}': lines(
        { Hostname: 'node1', Status: 'Ready', Availability: 'Active' },
        { Hostname: 'node2', Status: 'Ready', Availability: 'Active' },
        { Hostname: 'node3', Status: 'Down', Availability: 'Drain' },
      ),
      'service ls --format {{json .}}': lines({ Name: 'web', Image: 'nginx:latest@sha256:abc', Replicas: '3/3', Ports: '' }),
      'service inspect web --format {{json .Spec.EndpointSpec.Ports}}': '[{"Protocol":"tcp","TargetPort":80,"PublishedPort":8080,"PublishMode":"host"}]',
      'service ps web --filter desired-state=running --format {{.Node}} {{.CurrentState}}': 'node1 Running 5 seconds ago\nnode2 Running 5 seconds ago\nnode2 Running 4 seconds ago',
    });
    const problem = async (check: Parameters<typeof evaluate>[0]) => {
      const result = await evaluate(check, swarm);
      return result.passed ? null : result.problem;
    };

    it('counts ready nodes and reads one node’s state', async () => {
      expect(await problem({ id: 's', kind: 'swarm', nodes: 2 })).toBeNull();
      expect(await problem({ id: 's', kind: 'swarm', nodes: 3 })).toEqual({ code: 'swarmTooFew', ready: 2, needed: 3 });
      expect(await problem({ id: 'n', kind: 'node', name: 'node3', availability: 'drain', status: 'down' })).toBeNull();
      expect(await problem({ id: 'n', kind: 'node', name: 'node2', availability: 'drain' })).toEqual({ code: 'nodeAvailability', node: 'node2', availability: 'active', expected: 'drain' });
      expect(await problem({ id: 'n', kind: 'node', name: 'node9' })).toEqual({ code: 'noNode', node: 'node9' });
    });

    it('checks a service’s image, replicas, port and spread over nodes', async () => {
      expect(await problem({ id: 'w', kind: 'service', name: 'web', image: 'nginx', replicas: 3, port: 8080 })).toBeNull();
      expect(await problem({ id: 'w', kind: 'service', name: 'web', replicas: 5 })).toEqual({ code: 'serviceReplicas', service: 'web', running: 3, desired: 3, needed: 5 });
      expect(await problem({ id: 'w', kind: 'service', name: 'web', port: 9090 })).toEqual({ code: 'servicePort', service: 'web', port: 9090 });
      expect(await problem({ id: 'w', kind: 'service', name: 'web', spread: 3 })).toEqual({ code: 'serviceSpread', service: 'web', nodes: 2, needed: 3 });
      expect(await problem({ id: 'w', kind: 'service', name: 'api' })).toEqual({ code: 'noService', service: 'api' });
    });

    it('tells a learner without a swarm to start one', async () => {
      const result = await evaluate({ id: 's', kind: 'swarm', nodes: 1 }, docker({}));
      expect(result).toEqual({ passed: false, problem: { code: 'notManager' } });
    });
  });

  it('passes a container that matches name, image, state and port', async () => {
    const result = await evaluate({ id: 'c', kind: 'container', name: 'web', image: 'nginx:latest', state: 'running', port: 8080 }, docker(ps(web)));
    expect(result).toEqual({ passed: true });
  });

  it('reads how a container runs from docker inspect: health, read-only root, user and dropped capabilities', async () => {
    const inspected = (state: object, config: object, host: object) => ({
      ...ps(web),
      'container inspect web --format {{json .}}': JSON.stringify({ State: state, Config: { User: '', ...config }, HostConfig: { ReadonlyRootfs: false, CapDrop: null, ...host } }),
    });
    const hardened = docker(inspected({ Health: { Status: 'healthy' } }, { User: 'nginx' }, { ReadonlyRootfs: true, CapDrop: ['ALL'] }));
    const all = { id: 'c', kind: 'container', name: 'web', health: 'healthy', rootfs: 'read-only', user: 'non-root', capdrop: 'ALL' } as const;
    expect(await evaluate(all, hardened)).toEqual({ passed: true });
    const plain = docker(inspected({}, {}, {}));
    const which = { name: 'web' };
    expect(await evaluate({ ...all, health: 'healthy' }, plain)).toEqual({ passed: false, problem: { code: 'containerHealth', which, health: 'none', expected: 'healthy' } });
    expect(await evaluate({ id: 'c', kind: 'container', name: 'web', rootfs: 'read-only' }, plain)).toEqual({ passed: false, problem: { code: 'containerWritable', which } });
    expect(await evaluate({ id: 'c', kind: 'container', name: 'web', user: 'non-root' }, docker(inspected({}, { User: '0:0' }, {})))).toEqual({ passed: false, problem: { code: 'containerRoot', which } });
    expect(await evaluate({ id: 'c', kind: 'container', name: 'web', capdrop: 'ALL' }, docker(inspected({}, {}, { CapDrop: ['NET_RAW'] })))).toEqual({ passed: false, problem: { code: 'containerCapabilities', which } });
  });

  it.each([
    [{ name: 'api' }, { code: 'noContainer', which: { name: 'api' } }],
    [{ name: 'web', image: 'redis' }, { code: 'containerImage', which: { name: 'web' }, image: 'nginx', expected: 'redis' }],
    [{ name: 'web', state: 'exited' as const }, { code: 'containerState', which: { name: 'web' }, state: 'running', expected: 'exited' }],
    [{ name: 'web', port: 9090 }, { code: 'containerPort', which: { name: 'web' }, port: 9090 }],
    [{ image: 'hello-world' }, { code: 'noContainer', which: { image: 'hello-world' } }],
  ])('says exactly what is missing: %o', async (spec, problem) => {
    expect(await evaluate({ id: 'c', kind: 'container', ...spec }, docker(ps(web)))).toEqual({ passed: false, problem });
  });

  it('checks images and their labels', async () => {
    const answers = { 'image inspect myapp:1.0 --format {{json .Config.Labels}}': '{"stage":"test"}' };
    expect(await evaluate({ id: 'i', kind: 'image', name: 'myapp:1.0', label: 'stage=test' }, docker(answers))).toEqual({ passed: true });
    expect(await evaluate({ id: 'i', kind: 'image', name: 'myapp:1.0', label: 'stage=prod' }, docker(answers))).toEqual({ passed: false, problem: { code: 'imageLabel', image: 'myapp:1.0', label: 'stage=prod' } });
    expect(await evaluate({ id: 'i', kind: 'image', name: 'myapp:2.0' }, docker(answers))).toEqual({ passed: false, problem: { code: 'noImage', image: 'myapp:2.0' } });
  });

  it('checks a volume and a file in it, and a network and who is attached', async () => {
    const answers = {
      'volume inspect data': '[]',
      'run --rm -v data:/check:ro busybox test -e /check/notes.txt': '',
      'network inspect app --format {{json .Containers}}': '{"abc":{"Name":"db"}}',
    };
    expect(await evaluate({ id: 'v', kind: 'volume', name: 'data', file: '/notes.txt' }, docker(answers))).toEqual({ passed: true });
    expect(await evaluate({ id: 'v', kind: 'volume', name: 'data', file: '/other' }, docker(answers))).toEqual({ passed: false, problem: { code: 'volumeFile', volume: 'data', file: '/other' } });
    expect(await evaluate({ id: 'n', kind: 'network', name: 'app', container: 'db' }, docker(answers))).toEqual({ passed: true });
    expect(await evaluate({ id: 'n', kind: 'network', name: 'app', container: 'web' }, docker(answers))).toEqual({ passed: false, problem: { code: 'notAttached', network: 'app', container: 'web' } });
  });

  it('passes a Compose project that runs each listed service and enough containers', async () => {
    const check = { id: 'p', kind: 'compose', project: 'visits', services: 'web,redis', running: 3 } as const;
    expect(await evaluate(check, compose('redis running', 'web running', 'web running', 'web exited'))).toEqual({ passed: true });
  });

  it.each([
    [{}, compose(), { code: 'noComposeContainer', project: 'visits' }],
    [{ services: 'web,db' }, compose('web running', 'redis running'), { code: 'composeServiceMissing', project: 'visits', service: 'db' }],
    [{ services: 'web,redis' }, compose('web running', 'redis exited'), { code: 'composeServiceStopped', project: 'visits', service: 'redis' }],
    [{ running: 4 }, compose('redis running', 'web running', 'web running', 'web exited'), { code: 'composeTooFew', project: 'visits', running: 3, needed: 4 }],
  ])('says what a Compose project is missing: %o', async (spec, daemon, problem) => {
    expect(await evaluate({ id: 'p', kind: 'compose', project: 'visits', ...spec }, daemon)).toEqual({ passed: false, problem });
  });

  it.each<[Problem, string, string]>([
    [{ code: 'noContainer', which: { name: 'api' } }, 'There is no container named “api” yet.', '이름이 “api”인 컨테이너가 아직 없습니다.'],
    [{ code: 'containerImage', which: { image: 'nginx' }, image: 'nginx:1.27', expected: 'nginx' }, 'The container from the image “nginx” runs the image “nginx:1.27”, not “nginx”.', '“nginx” 이미지로 만든 컨테이너의 이미지가 “nginx”가 아니라 “nginx:1.27”입니다.'],
    [{ code: 'composeTooFew', project: 'visits', running: 3, needed: 4 }, 'The Compose project “visits” needs at least 4 running containers, and has 3.', 'Compose 프로젝트 “visits”에는 실행 중인 컨테이너가 적어도 4개 있어야 하는데, 지금은 3개입니다.'],
    [{ code: 'swarmTooFew', ready: 1, needed: 3 }, 'The swarm has 1 ready node; it needs 3.', '스웜에 준비된 노드가 3개 있어야 하는데 지금은 1개입니다.'],
    [{ code: 'notManager' }, 'This Docker is not a swarm manager yet: run docker swarm init on node1 first.', '이 Docker는 아직 스웜 매니저가 아닙니다. 먼저 node1에서 docker swarm init을 실행하세요.'],
  ])('tells the learner what is missing in their language: %o', (problem, english, korean) => {
    expect(describeProblem(problem, 'en')).toBe(english);
    expect(describeProblem(problem, 'ko')).toBe(korean);
  });

  it('has every fact each sentence asks for, in both languages', () => {
    const which = { name: 'web' };
    const samples: { [Code in ProblemCode]: Problems[Code] } = {
      noContainer: { which },
      containerImage: { which, image: 'redis', expected: 'nginx' },
      containerState: { which, state: 'exited', expected: 'running' },
      containerPort: { which, port: 8080 },
      containerHealth: { which, health: 'starting', expected: 'healthy' },
      containerWritable: { which },
      containerRoot: { which },
      containerCapabilities: { which },
      noImage: { image: 'app' },
      imageLabel: { image: 'app', label: 'stage=test' },
      noVolume: { volume: 'data' },
      volumeFile: { volume: 'data', file: '/notes.txt' },
      noNetwork: { network: 'app' },
      notAttached: { network: 'app', container: 'db' },
      noComposeContainer: { project: 'visits' },
      composeServiceMissing: { project: 'visits', service: 'db' },
      composeServiceStopped: { project: 'visits', service: 'db' },
      composeTooFew: { project: 'visits', running: 1, needed: 3 },
      notManager: {},
      swarmTooFew: { ready: 1, needed: 3 },
      noNode: { node: 'node2' },
      nodeAvailability: { node: 'node2', availability: 'active', expected: 'drain' },
      nodeStatus: { node: 'node2', status: 'ready', expected: 'down' },
      noService: { service: 'web' },
      serviceImage: { service: 'web', image: 'redis', expected: 'nginx' },
      serviceReplicas: { service: 'web', running: 1, desired: 3, needed: 3 },
      servicePort: { service: 'web', port: 8080 },
      serviceSpread: { service: 'web', nodes: 1, needed: 2 },
    };
    for (const [code, facts] of Object.entries(samples)) {
      const problem = { code, ...facts } as Problem;
      for (const locale of ['en', 'ko'] as const) expect(describeProblem(problem, locale), `${code} in ${locale}`).not.toMatch(/[{}]/);
    }
  });

  it('reads a compose check from plain MDX attributes', () => {
    const attributes = { id: 'p', kind: 'compose', project: 'visits', services: 'web,redis', running: '4' };
    expect(checkSchema.parse(attributes)).toMatchObject({ services: 'web,redis', running: 4 });
    expect(checkSchema.safeParse({ ...attributes, services: 'web, redis' }).success).toBe(false);
    expect(checkSchema.safeParse({ ...attributes, project: 'My App' }).success).toBe(false);
  });

  it('treats short and full image names as the same image', () => {
    expect(normalizeImage('nginx')).toBe(normalizeImage('docker.io/library/nginx:latest'));
    expect(normalizeImage('registry:5000/app')).toBe('registry:5000/app:latest');
  });
});
