import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNetworkName } from '@/lib/sandbox/manager';
import { config, engine, manager, newSession, removeAllSandboxes, sh, until } from './helpers';

// One lab for the whole file: building one costs seconds, and a Swarm on it costs more.
const sandboxes = manager({ poolSize: 0 });
const session = newSession();
let nodes: string[] = [];

beforeAll(async () => {
  await removeAllSandboxes();
  const single = await sandboxes.acquire(session);
  await sh(single.nodes[0]!, 'echo kept > ~/work.txt');
  nodes = [...(await sandboxes.acquire(session, undefined, undefined, 3)).nodes];
}, 120_000);

afterAll(async () => {
  await sandboxes.reset(session);
  await removeAllSandboxes();
});

describe('a three-node lab', () => {
  it('grows from the learner’s sandbox, which becomes node1 and keeps their work', async () => {
    expect(nodes).toHaveLength(3);
    expect((await sh(nodes[0]!, 'cat ~/work.txt')).stdout.trim()).toBe('kept');
  });

  it('names each node, and each reaches the others by name on the lab network', async () => {
    for (const [index, id] of nodes.entries()) {
      const { stdout } = await sh(id, 'hostname; hostname -i; for n in node1 node2 node3; do getent hosts $n >/dev/null && echo found $n; done');
      const [hostname, address, ...found] = stdout.trim().split('\n');
      expect(hostname).toBe(`node${index + 1}`);
      expect(address).toMatch(/^10\.213\.(1[2-9][0-9]|2[0-5][0-9])\.\d+$/);
      expect(found).toEqual(['found node1', 'found node2', 'found node3']);
    }
  });

  it('is walled off from other learners’ sandboxes and from the host', async () => {
    const other = newSession();
    const stranger = (await sandboxes.acquire(other)).nodes[0]!;
    try {
      const address = await engine.address(stranger, config.sandbox.network);
      await sh(stranger, 'docker run -d -p 8080:80 nginx >/dev/null');
      const { stdout: fromLab } = await sh(nodes[1]!, `curl -s -m 3 -o /dev/null -w '%{http_code}' http://${address}:8080 || true`);
      expect(fromLab).toBe('000');
      // The host's side of the lab network, with something of the host's listening on it.
      const host = createServer((_, res) => res.end('host')).listen(0, '0.0.0.0');
      await once(host, 'listening');
      const bridge = (await sh(nodes[1]!, "ip -4 route | awk '/dev eth1/ {print $NF}'")).stdout.trim().replace(/\.\d+$/, '.1');
      const { port } = host.address() as AddressInfo;
      const { stdout: fromLabToHost } = await sh(nodes[1]!, `curl -s -m 3 -o /dev/null -w '%{http_code}' http://${bridge}:${port} || true`);
      host.close();
      expect(fromLabToHost).toBe('000');
    } finally {
      await sandboxes.reset(other);
    }
  }, 60_000);

  it('forms a swarm whose service runs one task on each node and answers on every node', async () => {
    const init = await sh(nodes[0]!, 'docker swarm init --advertise-addr $(hostname -i) >/dev/null && docker swarm join-token -q worker');
    expect(init.exitCode).toBe(0);
    const token = init.stdout.trim();
    for (const id of nodes.slice(1)) {
      // The manager's port is forwarded into its daemon within a second of `swarm init`.
      const join = await sh(id, `for i in 1 2 3 4 5; do docker swarm join --token ${token} --advertise-addr $(hostname -i) node1:2377 && exit 0; sleep 1; done; exit 1`);
      expect(join.exitCode).toBe(0);
    }
    const { stdout: nodeList } = await sh(nodes[0]!, "docker node ls --format '{{.Hostname}} {{.Status}}' | sort");
    expect(nodeList.trim().split('\n')).toEqual(['node1 Ready', 'node2 Ready', 'node3 Ready']);

    const create = await sh(nodes[0]!, 'docker service create -q --name web --replicas 3 --publish mode=host,target=80,published=8080 nginx', 'learner', 120_000);
    expect(create.exitCode).toBe(0);
    const { stdout: placement } = await sh(nodes[0]!, "docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | sort");
    expect(placement.trim().split('\n').map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['node1 Running', 'node2 Running', 'node3 Running']);
    for (const from of nodes) {
      const { stdout } = await sh(from, "for n in node1 node2 node3; do curl -s -m 5 -o /dev/null -w '%{http_code} ' http://$n:8080; done");
      expect(stdout.trim()).toBe('200 200 200');
    }
  }, 240_000);

  it('carries overlay traffic between containers on different nodes', async () => {
    const { stdout, exitCode } = await sh(
      nodes[0]!,
      `docker network create -d overlay --attachable lab >/dev/null &&
       docker service create -q --name echo --endpoint-mode dnsrr --network lab --replicas 3 nginx >/dev/null &&
       docker run --rm --network lab busybox sh -c '
         # The other nodes tell this one about their tasks by gossip: within seconds, longer on a busy host.
         for i in $(seq 90); do ips=$(nslookup tasks.echo 127.0.0.11 | awk "/^Address: / {print \\$2}"); [ $(echo "$ips" | wc -w) = 3 ] && break; sleep 1; done
         for ip in $ips; do wget -q -O /dev/null -T 5 $ip && echo ok; done'`,
      'learner',
      180_000,
    );
    expect(exitCode).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(['ok', 'ok', 'ok']);
  }, 240_000);

  it('replaces a node whose machine was switched off with a fresh one of the same name', async () => {
    await sh(nodes[2]!, 'pkill dockerd');
    await until(async () => !(await engine.list(config.sandbox.instance)).find((s) => s.id === nodes[2])?.running);
    await sandboxes.replaceNode(session, 2);
    const replaced = [...sandboxes.lease(session)!.nodes];
    expect(replaced[2]).not.toBe(nodes[2]);
    expect(replaced.slice(0, 2)).toEqual(nodes.slice(0, 2));
    expect((await sh(replaced[2]!, 'hostname; getent hosts node1 >/dev/null && echo reaches node1')).stdout.trim().split('\n')).toEqual(['node3', 'reaches node1']);
    nodes = replaced;
  }, 60_000);

  it('is adopted whole by the next server, nodes in order', async () => {
    const next = manager({ poolSize: 0 });
    await next.reap();
    expect(next.lease(session)?.nodes).toEqual(nodes);
    next.stop();
  });

  it('ends as one: every node and the lab network go together', async () => {
    await sandboxes.reset(session);
    const left = (await engine.list(config.sandbox.instance)).map((s) => s.id);
    expect(left.filter((id) => nodes.includes(id))).toEqual([]);
    expect(await engine.listLabNetworks(config.sandbox.instance)).not.toContain(labNetworkName(session));
  });
});
