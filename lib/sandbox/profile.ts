import '#server-only';
import type { SandboxConfig } from '../server/config';

/** Labels that mark a container as a course sandbox, so the server can find its own after a restart. */
export const sandboxLabel = 'course.sandbox';
export const instanceLabel = 'course.instance';

/** Where the rootless inner daemon keeps images and containers: a size-limited tmpfs. */
const innerDataDir = '/home/learner/.local/share/docker';

/**
 * The container options for one sandbox: the hardening profile verified on these machines.
 * Nothing here comes from the learner: names and limits are the server's own, and the options are
 * written out whole so that no field (Privileged, Binds, a host socket) can slip in from elsewhere.
 */
export function sandboxCreateOptions(name: string, config: SandboxConfig) {
  return {
    name,
    Image: config.image,
    Hostname: 'sandbox',
    Labels: { [sandboxLabel]: '1', [instanceLabel]: config.instance },
    HostConfig: {
      // The engine remaps root in here to an unprivileged host user; the learner's daemon runs rootless
      // inside that, so these capabilities never amount to power over the host.
      CgroupnsMode: 'private' as const,
      // newuidmap needs SYS_ADMIN to build the rootless daemon's user namespace.
      CapAdd: ['SYS_ADMIN'],
      // Docker's default seccomp profile breaks the inner runc (keyctl), AppArmor likewise.
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      // systempaths=unconfined: the inner runc must mount a fresh procfs, which masked paths forbid.
      // Remapped root still cannot write host-wide files such as core_pattern (tested).
      MaskedPaths: [],
      ReadonlyPaths: [],
      // The course DNS: outside names fail at once instead of hanging pulls and lookups.
      Dns: [config.dns],
      // pasta, the inner daemon's network.
      Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
      Memory: config.memoryBytes,
      MemorySwap: config.memoryBytes,
      NanoCpus: Math.round(config.cpus * 1e9),
      PidsLimit: config.pids,
      // Everything the learner can write lives on tmpfs, counted in the memory limit and sized to fit
      // inside it, so filling a disk ends in "No space left" in the sandbox, never on the host.
      Tmpfs: {
        '/home/learner': 'rw,exec,size=64m',
        [innerDataDir]: `rw,exec,size=${config.diskBytes}`,
        '/tmp': 'rw,exec,nosuid,size=64m',
        '/var/tmp': 'rw,nosuid,size=16m',
        '/run': 'rw,nosuid,size=16m',
        '/var/lib/docker': 'rw,nosuid,size=16m',
      },
      NetworkMode: config.network,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
      RestartPolicy: { Name: 'no' },
    },
  };
}
