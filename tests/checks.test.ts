import { describe, expect, it } from 'vitest';
import { evaluate, normalizeImage, type Docker } from '@/lib/checks/evaluate';
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
      return result.passed ? null : result.problem.en;
    };

    it('counts ready nodes and reads one node’s state', async () => {
      expect(await problem({ id: 's', kind: 'swarm', nodes: 2 })).toBeNull();
      expect(await problem({ id: 's', kind: 'swarm', nodes: 3 })).toMatch(/2 ready node\(s\); it needs 3/);
      expect(await problem({ id: 'n', kind: 'node', name: 'node3', availability: 'drain', status: 'down' })).toBeNull();
      expect(await problem({ id: 'n', kind: 'node', name: 'node2', availability: 'drain' })).toMatch(/node2” is active, not drain/);
      expect(await problem({ id: 'n', kind: 'node', name: 'node9' })).toMatch(/not in the swarm/);
    });

    it('checks a service’s image, replicas, port and spread over nodes', async () => {
      expect(await problem({ id: 'w', kind: 'service', name: 'web', image: 'nginx', replicas: 3, port: 8080 })).toBeNull();
      expect(await problem({ id: 'w', kind: 'service', name: 'web', replicas: 5 })).toMatch(/3 of 3 replicas running; it needs 5/);
      expect(await problem({ id: 'w', kind: 'service', name: 'web', port: 9090 })).toMatch(/does not publish port 9090/);
      expect(await problem({ id: 'w', kind: 'service', name: 'web', spread: 3 })).toMatch(/run on 2 node\(s\); spread them over 3/);
      expect(await problem({ id: 'w', kind: 'service', name: 'api' })).toMatch(/no service “api”/);
    });

    it('tells a learner without a swarm to start one', async () => {
      const result = await evaluate({ id: 's', kind: 'swarm', nodes: 1 }, docker({}));
      expect(result.passed ? '' : result.problem.en).toMatch(/not a swarm manager yet/);
    });
  });

  it('passes a container that matches name, image, state and port', async () => {
    const result = await evaluate({ id: 'c', kind: 'container', name: 'web', image: 'nginx:latest', state: 'running', port: 8080 }, docker(ps(web)));
    expect(result).toEqual({ passed: true });
  });

  it.each([
    [{ name: 'api' }, /no container named “api”/],
    [{ name: 'web', image: 'redis' }, /runs the image “nginx”, not “redis”/],
    [{ name: 'web', state: 'exited' as const }, /is running, not exited/],
    [{ name: 'web', port: 9090 }, /does not publish port 9090/],
    [{ image: 'hello-world' }, /no container from the image “hello-world”/],
  ])('says exactly what is missing: %o', async (spec, message) => {
    const result = await evaluate({ id: 'c', kind: 'container', ...spec }, docker(ps(web)));
    expect(result.passed).toBe(false);
    if (!result.passed) {
      expect(result.problem.en).toMatch(message);
      expect(result.problem.ko).toBeTruthy();
    }
  });

  it('checks images and their labels', async () => {
    const answers = { 'image inspect myapp:1.0 --format {{json .Config.Labels}}': '{"stage":"test"}' };
    expect(await evaluate({ id: 'i', kind: 'image', name: 'myapp:1.0', label: 'stage=test' }, docker(answers))).toEqual({ passed: true });
    expect((await evaluate({ id: 'i', kind: 'image', name: 'myapp:1.0', label: 'stage=prod' }, docker(answers))).passed).toBe(false);
    expect((await evaluate({ id: 'i', kind: 'image', name: 'myapp:2.0' }, docker(answers))).passed).toBe(false);
  });

  it('checks a volume and a file in it, and a network and who is attached', async () => {
    const answers = {
      'volume inspect data': '[]',
      'run --rm -v data:/check:ro busybox test -e /check/notes.txt': '',
      'network inspect app --format {{json .Containers}}': '{"abc":{"Name":"db"}}',
    };
    expect(await evaluate({ id: 'v', kind: 'volume', name: 'data', file: '/notes.txt' }, docker(answers))).toEqual({ passed: true });
    expect((await evaluate({ id: 'v', kind: 'volume', name: 'data', file: '/other' }, docker(answers))).passed).toBe(false);
    expect(await evaluate({ id: 'n', kind: 'network', name: 'app', container: 'db' }, docker(answers))).toEqual({ passed: true });
    expect((await evaluate({ id: 'n', kind: 'network', name: 'app', container: 'web' }, docker(answers))).passed).toBe(false);
  });

  it('passes a Compose project that runs each listed service and enough containers', async () => {
    const check = { id: 'p', kind: 'compose', project: 'visits', services: 'web,redis', running: 3 } as const;
    expect(await evaluate(check, compose('redis running', 'web running', 'web running', 'web exited'))).toEqual({ passed: true });
  });

  it.each([
    [{}, compose(), /no container of the Compose project “visits”/],
    [{ services: 'web,db' }, compose('web running', 'redis running'), /has no container for the service “db”/],
    [{ services: 'web,redis' }, compose('web running', 'redis exited'), /No container of the service “redis” in the Compose project “visits” is running/],
    [{ running: 4 }, compose('redis running', 'web running', 'web running', 'web exited'), /at least 4 running containers, and has 3/],
  ])('says what a Compose project is missing: %o', async (spec, daemon, message) => {
    const result = await evaluate({ id: 'p', kind: 'compose', project: 'visits', ...spec }, daemon);
    expect(result.passed).toBe(false);
    if (!result.passed) {
      expect(result.problem.en).toMatch(message);
      expect(result.problem.ko).toBeTruthy();
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
