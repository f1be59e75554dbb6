import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manager, newSession, removeAllSandboxes, sh } from './helpers';

// The package caches (README, "Package caches"), from a learner's sandbox: installs inside a learner's
// `docker build` come from the caches even with the caches' own route to the internet cut, what is not
// cached fails at once with apt's or npm's own error, and the caches are no proxy to anywhere else.
// Needs root on the host for the temporary firewall rule that cuts the route.

const root = path.resolve(import.meta.dirname, '../..');
// The engine scripts' settings are the one place for the caches' addresses and the sandbox bridge.
const lib = readFileSync(path.join(root, 'scripts/engine/lib.sh'), 'utf8');
const setting = (name: string) => {
  const value = new RegExp(`^${name}=(\\S+)`, 'm').exec(lib)?.[1];
  if (!value) throw new Error(`${name} is not set in scripts/engine/lib.sh`);
  return value;
};
const bridge = setting('NET_BRIDGE');
const caches = [setting('APT_CACHE_IP'), setting('NPM_CACHE_IP')];
const seed = path.join(root, 'images/npm-cache/seed');

/** Cuts the caches off the internet (they still answer sandboxes on the bridge) until the returned undo runs. */
function cutRoute() {
  const rules = caches.map((ip) => ['DOCKER-USER', '-i', bridge, '!', '-o', bridge, '-s', ip, '-j', 'REJECT']);
  for (const rule of rules) execFileSync('iptables', ['-I', ...rule.slice(0, 1), '1', ...rule.slice(1)]);
  return () => {
    for (const rule of rules) execFileSync('iptables', ['-D', ...rule]);
  };
}

/** A shell line that writes a file in the sandbox's work directory, whatever its content. */
const write = (name: string, content: string) => `printf %s '${Buffer.from(content).toString('base64')}' | base64 -d > ${name}`;

/** Builds a Dockerfile in a fresh directory of the sandbox; returns the build's output and how long it took. */
async function build(id: string, dockerfile: string, files: Record<string, string> = {}, timeoutMs = 300_000) {
  const dir = `/home/learner/b${Math.random().toString(36).slice(2, 8)}`;
  const lines = [`mkdir -p ${dir}`, `cd ${dir}`, write('Dockerfile', dockerfile), ...Object.entries(files).map(([n, c]) => write(n, c))];
  const started = Date.now();
  const result = await sh(id, `${lines.join(' && ')} && docker build --no-cache -t pkg-test . 2>&1; status=$?; cd / && rm -rf ${dir}; exit $status`, 'learner', timeoutMs);
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

const sandboxes = manager();
let id: string;
let undo: (() => void) | undefined;

beforeAll(async () => {
  await removeAllSandboxes();
  await sandboxes.start();
  id = (await sandboxes.acquire(newSession())).nodes[0]!;
});

afterAll(async () => {
  undo?.();
  sandboxes.stop();
  await removeAllSandboxes();
});

describe('package caches', () => {
  it('serve apt and npm installs in a learner’s build with the route to the registries cut', async () => {
    undo = cutRoute();
    try {
      // The cut is real: a file the apt cache has never seen cannot be fetched now.
      const probe = await sh(id, 'curl -s -o /dev/null -w "%{http_code}" -m 20 http://deb.debian.org/debian/pool/main/c/course-not-cached/none_0_all.deb');
      expect(probe.stdout).toBe('502');

      const apt = await build(id, 'FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN curl --version\n');
      expect(apt.stdout).toMatch(/curl \d+\.\d+/);
      expect(apt.exitCode, apt.stdout).toBe(0);

      const npm = await build(id, 'FROM node\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nRUN node -e "require(\'express\'); require(\'pg\')"\n', {
        'package.json': readFileSync(path.join(seed, 'package.json'), 'utf8'),
        'package-lock.json': readFileSync(path.join(seed, 'package-lock.json'), 'utf8'),
      });
      expect(npm.exitCode, npm.stdout).toBe(0);
    } finally {
      undo();
      undo = undefined;
    }
  }, 600_000);

  it('fails at once, in apt’s and npm’s own words, for what is neither cached nor reachable', async () => {
    undo = cutRoute();
    try {
      // A package in the archive's index whose .deb the cache never fetched (the first of a few
      // rarely used ones that the cache answers 502 for while cut off).
      const apt = await sh(
        id,
        `docker run --rm debian sh -c 'apt-get update -qq >/dev/null && for p in sl cowsay fortunes-min bsdgames ninvaders; do
           f=$(apt-cache show --no-all-versions $p | sed -n "s/^Filename: //p");
           [ "$(curl -s -o /dev/null -w "%{http_code}" http://deb.debian.org/debian/$f 2>/dev/null || echo none)" != 200 ] || continue;
           start=$(date +%s); apt-get install -y --no-install-recommends $p 2>&1; echo "exit=$? seconds=$(( $(date +%s) - start ))"; exit; done'`,
        'learner',
        180_000,
      );
      expect(apt.stdout).toMatch(/E: Failed to fetch http:\/\/deb\.debian\.org\/debian\/pool\/.* 502/);
      expect(apt.stdout).toMatch(/exit=100 /);
      // Each try of a file it cannot fetch costs at most the cache's 2 s resolver timeout, and apt tries it
      // again a few times with pauses (about 20 s in all here): slow, but never a hang.
      expect(Number(/seconds=(\d+)/.exec(apt.stdout)?.[1])).toBeLessThan(45);

      const missing = await sh(id, 'docker run --rm debian sh -c "apt-get update -qq >/dev/null; apt-get install -y course-no-such-package 2>&1"', 'learner', 120_000);
      expect(missing.stdout).toContain('E: Unable to locate package course-no-such-package');

      const started = Date.now();
      const npm = await sh(id, 'docker run --rm node sh -c "cd /tmp && npm install course-no-such-package-zz9 2>&1"', 'learner', 120_000);
      expect(npm.exitCode).not.toBe(0);
      expect(npm.stdout).toMatch(/npm ERR! (code E404|404)/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      undo();
      undo = undefined;
    }
  }, 300_000);

  it('are no proxy to any other host', async () => {
    const status = (args: string) => sh(id, `curl -s -o /dev/null -w "%{http_code}" -m 10 ${args}; true`).then((r) => r.stdout);
    // As a forward proxy, with the other host in the path, or with another Host header on a cached path.
    for (const cache of ['apt-cache:80', 'npm-cache:4873']) {
      expect(await status(`-x http://${cache} http://example.com/`), cache).not.toBe('200');
      expect(await status(`-x http://${cache} -p https://example.com/`), cache).not.toMatch(/^2/);
      expect(await status(`http://${cache}/example.com/`), cache).not.toBe('200');
      expect(await status(`http://${cache}/http://example.com/`), cache).not.toBe('200');
    }
    const hosted = await sh(id, 'curl -s -m 10 -H "Host: example.com" http://apt-cache/debian/dists/trixie/InRelease | head -c 200');
    expect(hosted.stdout).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----/);
    expect(await status('http://apt-cache/../../etc/passwd --path-as-is')).toBe('400');
    // The caches' other ports, and the internet itself, stay closed to the sandbox.
    expect(await status('http://apt-cache:4873/')).toBe('000');
    expect(await status('http://npm-cache:80/')).toBe('000');
    expect(await status('http://example.com/')).toBe('000');
  }, 120_000);

  it('the mirror has node and postgres, and postgres starts like the official image', async () => {
    // node and postgres together are 600 MB of the sandbox's 640 MB disk: start from an empty one.
    await sh(id, 'docker system prune -af >/dev/null', 'learner', 120_000);
    const pulled = await sh(id, 'docker pull -q node && docker pull -q postgres && docker run --rm node node -e "console.log(process.version)"', 'learner', 300_000);
    expect(pulled.exitCode, pulled.stdout + pulled.stderr).toBe(0);
    expect(pulled.stdout).toMatch(/^v\d+\./m);
    const db = await sh(
      id,
      `docker run -d --name db -e POSTGRES_PASSWORD=secret -e POSTGRES_USER=app -e POSTGRES_DB=shop postgres >/dev/null &&
       for i in $(seq 60); do docker exec db pg_isready -U app -d shop -h 127.0.0.1 >/dev/null 2>&1 && break; sleep 1; done;
       docker exec -e PGPASSWORD=secret db psql -h 127.0.0.1 -U app -d shop -tAc "select current_database(), current_user"; docker rm -f db >/dev/null`,
      'learner',
      120_000,
    );
    expect(db.stdout.trim()).toBe('shop|app');
    const refused = await sh(id, 'docker run --rm postgres 2>&1', 'learner', 60_000);
    expect(refused.stdout).toContain('You must specify POSTGRES_PASSWORD');
  }, 420_000);
});
