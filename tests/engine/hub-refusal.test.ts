import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, manager, newSession, removeAllSandboxes, sh } from './helpers';

// Docker Hub's stand-in (images/hub-refusal): with no Docker Hub cache, a pull of an image the course
// mirror lacks is refused at once in Docker's own words, with what the mirror holds, in both languages.
// The engine must run without COURSE_HUB_CACHE and COURSE_SANDBOX_INTERNET, as it does by default.
const sandboxes = manager();
let sandbox: string;
const service = 'course-hub-refusal';

beforeAll(async () => {
  await removeAllSandboxes();
  sandbox = (await sandboxes.acquire(newSession())).nodes[0]!;
});

afterAll(async () => {
  sandboxes.stop();
  await removeAllSandboxes();
});

/** Runs a learner's command and says how long it took, output and errors together as the terminal shows them. */
async function timed(script: string) {
  const started = Date.now();
  const result = await sh(sandbox, `${script} 2>&1`, 'learner', 30_000);
  return { ...result, ms: Date.now() - started };
}

describe('an image the mirror does not hold', () => {
  it('`docker pull alpine` fails within seconds, saying so in English and Korean and naming what the mirror holds', async () => {
    const { exitCode, stdout, ms } = await timed('docker pull alpine');
    expect(exitCode).not.toBe(0);
    expect(ms).toBeLessThan(8_000); // no hang: a lookup or connection left unanswered would take longer
    expect(stdout).toContain("repository alpine not found: name unknown: alpine:latest is not in this course's image mirror");
    expect(stdout).toContain('alpine:latest 이미지는 이 코스의 미러에 없고');
    const holds = stdout.match(/The mirror holds: ([^.]+)\./)?.[1]?.split(', ') ?? [];
    expect(holds).toEqual(expect.arrayContaining(['busybox', 'debian', 'hello-world', 'nginx', 'python']));
    expect(stdout).toMatch(/use debian instead \(or busybox for a very small one\)/);
    expect(stdout).toMatch(/미러에 있는 이미지: busybox, .*debian.*nginx/);
    expect(stdout).not.toMatch(/no such host|i\/o timeout|x509|certificate/);
  });

  it('`docker run ubuntu` fails the same clear way', async () => {
    const { exitCode, stdout, ms } = await timed('docker run --rm ubuntu echo hi');
    expect(exitCode).not.toBe(0);
    expect(ms).toBeLessThan(8_000); // no hang: a lookup or connection left unanswered would take longer
    expect(stdout).toContain("repository ubuntu not found: name unknown: ubuntu:latest is not in this course's image mirror");
    expect(stdout).toContain('ubuntu:latest 이미지는 이 코스의 미러에 없고');
  });

  it('a tag the mirror lacks is named with the tags it has', async () => {
    const { exitCode, stdout } = await timed('docker pull python:3.12-alpine');
    expect(exitCode).not.toBe(0);
    expect(stdout).toMatch(/manifest for python:3\.12-alpine not found: manifest unknown: .*The mirror holds python with the tags: [^.]*\b3-slim\b/);
    expect(stdout).toMatch(/미러에 있는 python의 태그: .*latest/);
  });

  it('a Dockerfile `FROM alpine` fails its build within seconds with the same words (BuildKit reads the status line)', async () => {
    // Three builds, since BuildKit's first try of the empty mirror over HTTPS must never end in a reset.
    const { stdout, ms } = await timed(
      'mkdir -p /tmp/from-alpine && cd /tmp/from-alpine && printf "FROM alpine\\nRUN true\\n" > Dockerfile && for i in 1 2 3; do docker build -t from-alpine . 2>&1 | tail -1; done',
    );
    expect(ms).toBeLessThan(15_000);
    expect(stdout.match(/403 alpine:latest is not in this course's image mirror/g)).toHaveLength(3);
    expect(stdout).toMatch(/403 alpine:latest is not in this course's image mirror, .*The mirror holds: [^.]*\bdebian\b/);
    expect(stdout).toContain('alpine:latest 이미지는 이 코스의 미러에 없고');
    expect(stdout).not.toMatch(/no such host|hub-cache/);
  });

  it('`docker pull busybox` still comes from the mirror', async () => {
    const { exitCode, stdout } = await timed('docker pull busybox && docker run --rm busybox echo from-the-mirror');
    expect(stdout).toContain('from-the-mirror');
    expect(exitCode).toBe(0);
  });

  it('signing in to or pushing to Docker Hub is refused with the way to practise pushing', async () => {
    const login = await timed('echo secret | docker login -u someone --password-stdin');
    expect(login.exitCode).not.toBe(0);
    expect(login.stdout).not.toContain('Login Succeeded');
    expect(login.stdout).toContain('nothing can be pushed to it or signed in to');
    const push = await timed('docker tag busybox someone/app && docker push someone/app');
    expect(push.exitCode).not.toBe(0);
    expect(push.stdout).toMatch(/denied: Docker Hub cannot be reached from here.*docker run -d -p 5000:5000 registry/);
    expect(push.stdout).toContain('로그인하거나 이미지를 올릴 수 없습니다');
  });
});

describe('the stand-in serves nothing but refusals', () => {
  const curl = (args: string) => timed(`curl -sS -m 5 ${args}`);

  it('answers registry paths only, and only with errors, over a certificate the sandbox trusts', async () => {
    const paths = ['/', '/etc/passwd', '/v1/repositories/library/alpine/images', '/v2/library/nginx/blobs/sha256:0', '/v2/library/nginx/tags/list', '/v2/_catalog'];
    for (const path of paths) {
      const { exitCode, stdout } = await curl(`-w ' %{http_code}' 'https://registry-1.docker.io${path}'`);
      expect(exitCode, path).toBe(0);
      expect(stdout, path).toMatch(/"code": "UNSUPPORTED".* 404$/s);
    }
    const upload = await curl(`-w ' %{http_code}' -X POST --data-binary @/etc/hostname https://registry-1.docker.io/v2/someone/app/blobs/uploads/`);
    expect(upload.stdout).toMatch(/"code": "DENIED".* 403$/s);
    const token = await curl(`-w ' %{http_code}' -u someone:secret https://auth.docker.io/token`);
    expect(token.stdout).toMatch(/"code": "DENIED".* 401$/s);
    // `docker search` finds what the mirror holds, and nothing else.
    expect((await timed('docker search --format "{{.Name}}: {{.Description}}" nginx')).stdout).toContain('nginx: in the course mirror / 코스 미러에 있음');
    const alpine = await timed('docker search alpine');
    expect(alpine.exitCode).toBe(0);
    expect(alpine.stdout.trim().split('\n')).toHaveLength(1); // the table's header alone
    // In the absent hub cache's place, an empty registry.
    for (const path of ['/v2/_catalog', '/v2/library/busybox/manifests/latest', '/v2/library/busybox/tags/list']) {
      expect((await curl(`-w ' %{http_code}' http://hub-cache:5000${path}`)).stdout, path).toMatch(/"code": "NAME_UNKNOWN".* 404$/s);
    }
  });

  it('is no proxy and vouches for no other name', async () => {
    const connect = await curl('-o /dev/null -w "%{http_code}" -p -x http://registry-1.docker.io:443 http://mirror:5000/v2/');
    expect(connect.stdout).not.toMatch(/^200/);
    const forward = await curl('-w " %{http_code}" -H "Host: mirror:5000" https://registry-1.docker.io/v2/_catalog');
    expect(forward.stdout).not.toContain('repositories');
    // Another name on the same address fails the certificate check: the course CA may sign Docker Hub's names alone.
    const other = await curl('--resolve example.com:443:$(getent hosts registry-1.docker.io | cut -d" " -f1) https://example.com/');
    expect(other.exitCode).toBe(60);
    // Plain HTTP and other ports are closed to sandboxes.
    expect((await curl('http://registry-1.docker.io/')).exitCode).toBe(7);
  });

  it('itself reaches the mirror and nothing else', async () => {
    const probe = (url: string) =>
      engine.run(service, ['python3', '-c', `import urllib.request; urllib.request.urlopen(${JSON.stringify(url)}, timeout=3); print("reached")`], { user: 'nobody' });
    expect((await probe('http://mirror:5000/v2/')).stdout).toContain('reached');
    for (const url of ['http://deb.debian.org/', 'http://10.213.16.1/', 'http://169.254.169.254/']) {
      const result = await probe(url);
      expect(result.stdout, url).not.toContain('reached');
      expect(result.exitCode, url).not.toBe(0);
    }
  });
});
