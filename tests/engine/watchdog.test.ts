import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionToken, verifySessionToken } from '@/lib/server/auth';
import { Op, type Trouble, type TroubleKind } from '@/lib/terminal-protocol';
import { config, engine, manager, removeAllSandboxes, sh, until } from './helpers';
import { prompted, ready, startGateway, type Client } from './terminal-harness';

// A small process limit and disk, so the faults fill them in seconds; the watchdog looks every second.
const sandboxes = manager({ pids: 192, diskBytes: 160 * 1024 ** 2 });
let harness: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  await removeAllSandboxes();
  await sandboxes.start();
  harness = await startGateway(sandboxes);
});

afterAll(async () => {
  harness.close();
  sandboxes.stop();
  await removeAllSandboxes();
});

/** A learner at a prompt whose terminal has started watching (it does once they type). */
async function learner(): Promise<{ client: Client; id: string }> {
  const token = newSessionToken(config.secret);
  const client = harness.connect({ token });
  await ready(client, 60_000);
  await until(() => prompted(client), 30_000);
  client.type('\r');
  const id = sandboxes.lease(verifySessionToken(token, config.secret)!)!.nodes[0]!;
  return { client, id };
}

const troubles = (client: Client, kind: TroubleKind) => client.messages.flatMap((m) => (m.op === Op.trouble && m.trouble.kind === kind ? [m.trouble] : []));
const latest = (client: Client, kind: TroubleKind): Trouble | undefined => troubles(client, kind).at(-1);

describe('the sandbox watchdog', () => {
  it('tells of a fork bomb, and stopping the runaway processes keeps files, images and other containers', async () => {
    const { client, id } = await learner();
    await sh(id, 'echo kept >notes.txt && docker run -d --name other busybox sleep 1d >/dev/null && docker images -q | wc -l');
    expect(latest(client, 'processes')).toBeUndefined();
    client.type(':(){ :|:& };:\r');
    await until(() => latest(client, 'processes')?.active === true, 20_000);

    expect(await harness.health.rescue(id, 'stopRunaway')).toMatchObject({ from: 'shells' });
    await until(() => latest(client, 'processes')?.active === false, 20_000);
    const after = await sh(id, 'cat notes.txt && docker ps --format "{{.Names}}" && docker images -q | wc -l');
    expect(after.stdout).toMatch(/^kept\nother\n[1-9]/);
    // The limit lent for the rescue is given back.
    expect((await engine.usage(id)).pidsLimit).toBe(192);
  });

  it('finds the runaway inside one of the learner containers and stops that container alone', async () => {
    const { client, id } = await learner();
    await sh(id, 'docker run -d --name calm busybox sleep 1d >/dev/null');
    // The container's first process starts a fork bomb, then becomes `sleep` (exec needs no fork), so the container lives on.
    await sh(id, `docker run -d --name bomb busybox sh -c ':(){ :|:& };:; exec sleep 1d' >/dev/null`);
    await until(() => latest(client, 'processes')?.active === true, 20_000);
    expect(await harness.health.rescue(id, 'stopRunaway')).toMatchObject({ from: 'container' });
    await until(async () => (await sh(id, 'docker ps --format "{{.Names}}"')).stdout.trim() === 'calm', 20_000);
  });

  it('tells of a process killed for memory in a nested container', async () => {
    const { client, id } = await learner();
    await sh(id, 'docker run --rm busybox sh -c "head -c 2000m /dev/zero | tail" >/dev/null 2>&1; true');
    await until(() => latest(client, 'memory')?.active === true, 20_000);
    expect(latest(client, 'memory')).toMatchObject({ limitBytes: config.sandbox.memoryBytes });
  });

  it('tells which disk is full and what takes the space, and prune frees it', async () => {
    const { client, id } = await learner();
    await sh(id, 'docker run --name filler busybox sh -c "dd if=/dev/zero of=/big bs=1M count=400" >/dev/null 2>&1; true', 'learner', 120_000);
    await until(() => latest(client, 'disk')?.active === true, 30_000);
    const full = latest(client, 'disk') as Extract<Trouble, { kind: 'disk' }>;
    expect(full.full).toContain('docker');
    expect(full.usage?.docker.map((row) => row.type)).toContain('Containers');
    expect(await harness.health.rescue(id, 'prune')).toMatchObject({ output: expect.stringMatching(/reclaimed/i) });
    await until(() => latest(client, 'disk')?.active === false, 30_000);
  });

  it('tells when the Docker daemon was killed, and starts it again with the images kept', async () => {
    const { client, id } = await learner();
    const images = (await sh(id, 'docker images -q | wc -l')).stdout.trim();
    await sh(id, 'pkill -9 dockerd');
    await until(() => latest(client, 'daemon')?.active === true, 20_000);
    await harness.health.rescue(id, 'restartDaemon');
    await until(() => latest(client, 'daemon')?.active === false, 30_000);
    expect((await sh(id, 'docker images -q | wc -l')).stdout.trim()).toBe(images);
  });
});
