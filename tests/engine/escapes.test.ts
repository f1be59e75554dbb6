import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, manager, newSession, removeAllSandboxes, sh } from './helpers';

// Escape and abuse attempts. Most run as root of the sandbox container, which is more than a learner
// ever has (the learner is uid 1000 there, root only inside their rootless inner containers).
const sandboxes = manager();
const session = newSession();
let victim: string;
let bystander: string;

beforeAll(async () => {
  await removeAllSandboxes();
  await sandboxes.start();
  victim = (await sandboxes.acquire(session)).nodes[0]!;
  bystander = (await sandboxes.acquire(newSession())).nodes[0]!;
});

afterAll(async () => {
  sandboxes.stop();
  await removeAllSandboxes();
});

/** The host, the engine and another learner's sandbox are still fine. */
async function othersHealthy() {
  await engine.ping();
  const started = Date.now();
  const { exitCode } = await sh(bystander, 'docker info --format "{{.ServerVersion}}" >/dev/null');
  expect(exitCode).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
}

describe('escapes and abuse fail safely', () => {
  it('root cannot write the host kernel’s core_pattern from a fresh procfs', async () => {
    const before = (await import('node:fs')).readFileSync('/proc/sys/kernel/core_pattern', 'utf8');
    const result = await sh(victim, 'mkdir -p /tmp/p && mount -t proc proc /tmp/p && echo "|/tmp/evil" > /tmp/p/sys/kernel/core_pattern', 'root');
    expect(result.exitCode).not.toBe(0);
    expect((await import('node:fs')).readFileSync('/proc/sys/kernel/core_pattern', 'utf8')).toBe(before);
  });

  it('root cannot reach or make a host block device', async () => {
    const device = (await import('node:fs')).readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.includes(' / '))!.split(' ')[0]!;
    expect((await sh(victim, `ls ${device}`, 'root')).exitCode).not.toBe(0);
    expect((await sh(victim, 'ls /dev', 'root')).stdout).not.toMatch(/^(vd|sd|nvme|xvd)[a-z0-9]+$/m);
    const mknod = await sh(victim, 'mknod /tmp/disk b 253 0 && mount /tmp/disk /mnt', 'root');
    expect(mknod.exitCode).not.toBe(0);
  });

  it('root cannot load kernel modules or mount a cgroup hierarchy with a release_agent', async () => {
    expect((await sh(victim, 'modprobe dummy || insmod /lib/modules/*/kernel/drivers/net/dummy.ko', 'root')).exitCode).not.toBe(0);
    const cgroup = await sh(victim, 'mkdir -p /tmp/cg && mount -t cgroup -o memory cgroup /tmp/cg && echo /tmp/x > /tmp/cg/release_agent', 'root');
    expect(cgroup.exitCode).not.toBe(0);
  });

  it('there is no way to the host engine: no socket inside, no API on the network', async () => {
    const result = await sh(victim, 'ls /var/run/docker.sock /run/docker-course 2>&1; for p in 2375 2376; do curl -s -m 2 http://10.213.16.1:$p/_ping && echo OPEN; done; true', 'root');
    expect(result.stdout).toMatch(/No such file/);
    expect(result.stdout).not.toContain('OPEN');
  });

  it('filling memory kills the greedy process, not the host', async () => {
    const result = await sh(victim, 'head -c 3000m /dev/zero | tail > /dev/null', 'learner', 60_000);
    expect(result.exitCode).not.toBe(0);
    await othersHealthy();
  });

  it('filling the disk ends with "No space left" inside the sandbox', async () => {
    const result = await sh(victim, 'dd if=/dev/zero of=$HOME/.local/share/docker/fill bs=1M count=4000 2>&1; rm -f $HOME/.local/share/docker/fill', 'learner', 60_000);
    expect(result.stdout).toMatch(/No space left on device/);
    const home = await sh(victim, 'dd if=/dev/zero of=$HOME/fill bs=1M count=4000 2>&1; rm -f $HOME/fill; dd if=/dev/zero of=/tmp/fill bs=1M count=4000 2>&1; rm -f /tmp/fill', 'learner', 60_000);
    expect(home.stdout.match(/No space left on device/g)).toHaveLength(2);
    // Nowhere else to write: the image's own files belong to root.
    expect((await sh(victim, 'touch /usr/local/x || touch /var/x || touch /etc/x', 'learner')).exitCode).not.toBe(0);
    await othersHealthy();
  });

  it('the learner’s sandbox still works after all that', async () => {
    expect((await sh(victim, 'docker run --rm hello-world')).stdout).toContain('Hello from inside a container!');
  });

  it('a fork bomb hits the process limit and leaves others healthy', async () => {
    const bomb = sh(victim, 'timeout 8 bash -c ":(){ :|:& };:" ; true', 'learner', 30_000).catch(() => null);
    await new Promise((r) => setTimeout(r, 3000));
    await othersHealthy();
    await bomb;
    const pids = await engine.docker.getContainer(victim).stats({ stream: false });
    expect((pids as unknown as { pids_stats: { current: number } }).pids_stats.current).toBeLessThanOrEqual(512);
    // The bomb's orphans keep the sandbox at its limit; a reset is the learner's way back.
    await sandboxes.reset(session);
    const fresh = await sandboxes.acquire(session);
    expect((await sh(fresh.nodes[0]!, 'docker run --rm hello-world')).stdout).toContain('Hello from inside a container!');
  });
});
