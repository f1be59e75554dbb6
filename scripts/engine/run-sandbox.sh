#!/usr/bin/env bash
# Usage: run-sandbox.sh NAME — starts one learner sandbox on the engine with the course's run profile
# and prints its container id. The course app creates sandboxes the same way through dockerode.
#
# The profile, option by option (dockerode HostConfig in brackets):
#   --cgroupns=private                     [CgroupnsMode: 'private']  the sandbox sees only its own cgroups
#   --cap-add SYS_ADMIN                    [CapAdd: ['SYS_ADMIN']]    newuidmap needs it to set up the rootless
#                                                                     daemon's user namespace (NET_ADMIN is not needed)
#   --security-opt seccomp=unconfined      [SecurityOpt]              Docker's default profile breaks the inner runc
#   --security-opt apparmor=unconfined     [SecurityOpt]              same for AppArmor, on hosts that have it
#   --security-opt systempaths=unconfined  [SecurityOpt]              masked /proc paths forbid the inner runc's
#                                                                     fresh procfs; remapped root still cannot write
#                                                                     host-wide files such as core_pattern
#   --device /dev/net/tun                  [Devices: [{PathOnHost, PathInContainer: '/dev/net/tun',
#                                                     CgroupPermissions: 'rwm'}]]   pasta, the inner network
#   --memory 1g --memory-swap 1g           [Memory, MemorySwap: 1073741824]  the tmpfs mounts below count here too
#   --cpus 1                               [NanoCpus: 1e9]
#   --pids-limit 512                       [PidsLimit: 512]           stops fork bombs
#   --tmpfs /home/learner/.local/share/docker:rw,exec,size=640m   [Tmpfs]  inner daemon's data, gone on removal
#   --tmpfs /home/learner, /tmp, /var/tmp, /run, /var/lib/docker (small)         [Tmpfs]  everything the learner can write is
#                                          tmpfs sized inside the memory limit, so a full disk stays in the sandbox
#   --network course-sandboxes             [NetworkMode]              firewalled; the mirror is `mirror`
#   --dns 10.213.16.3                      [Dns]                      course DNS: outside names fail at once
#   --hostname sandbox                     [Hostname; top level in dockerode's createContainer]
#   --label course.sandbox=1               [Labels; top level]
# Never --privileged (it fails on these hosts anyway) and never a Docker socket from outside: the engine
# remaps root in the sandbox to an unprivileged host user, and the learner's daemon runs rootless inside.
# The inner daemon answers on /run/user/1000/docker.sock; `sandbox-ready` exits 0 once it does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: run-sandbox.sh NAME}
exec docker run -d --name "$name" \
  --cgroupns=private \
  --cap-add SYS_ADMIN \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
  --device /dev/net/tun \
  --memory 1g --memory-swap 1g --cpus 1 --pids-limit 512 \
  --tmpfs /home/learner:rw,exec,size=64m --tmpfs /home/learner/.local/share/docker:rw,exec,size=640m \
  --tmpfs /tmp:rw,exec,nosuid,size=64m --tmpfs /var/tmp:rw,nosuid,size=16m --tmpfs /run:rw,nosuid,size=16m --tmpfs /var/lib/docker:rw,nosuid,size=16m \
  --network "$NET" \
  --dns "$DNS_IP" \
  --hostname sandbox --label course.sandbox=1 \
  "${SANDBOX_IMAGE:-course/sandbox}"
