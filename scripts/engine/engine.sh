#!/usr/bin/env bash
# Installs and starts the sandbox engine: a dockerd of the course's own with user-namespace remapping.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v iptables >/dev/null || need+=(iptables)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  # apt may be busy with another install; wait for its lock rather than fail.
  quiet apt-get -o DPkg::Lock::Timeout=600 update
  DEBIAN_FRONTEND=noninteractive quiet apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi
# On systemd hosts the package also starts Debian's own docker service; the course engine neither
# uses nor touches it (own socket, data-root, bridge and containerd namespace).

if ! getent passwd "$REMAP_USER" >/dev/null; then
  quiet useradd --system --no-create-home --shell /usr/sbin/nologin "$REMAP_USER"
fi
for f in /etc/subuid /etc/subgid; do
  touch "$f"
  grep -q "^$REMAP_USER:" "$f" || echo "$REMAP_USER:$REMAP_START:$REMAP_COUNT" >>"$f"
done

# The sandboxes' rootless daemons open /dev/net/tun as an unprivileged user in their own user
# namespace; a user namespace cannot change the node's mode, so it must be world-openable (the
# kernel still requires CAP_NET_ADMIN in the owning namespace to attach to a device).
if [ ! -c /dev/net/tun ]; then
  mkdir -p /dev/net
  mknod -m 0666 /dev/net/tun c 10 200
fi
chmod 0666 /dev/net/tun

# Every sandbox's root, and so every container started in any sandbox, is one host user (the remap range):
# each container start takes a kernel key (runc's session keyring) from that user's quota. Debian's default
# of 200 keys ran out at about 47 sandboxes, refusing new containers with "disk quota exceeded".
sysctl -qw kernel.keys.maxkeys=20000 kernel.keys.maxbytes=2000000

engine_up && exit 0

# Bridged traffic between sandboxes must pass through iptables so the course firewall sees it.
[ -e /proc/sys/net/bridge ] || quiet modprobe br_netfilter || true
sysctl -qw net.bridge.bridge-nf-call-iptables=1

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
fi
ip link set "$BRIDGE" up

# overlay2 when the kernel has it; vfs works everywhere but copies every layer.
driver=vfs
grep -qw overlay /proc/filesystems || quiet modprobe overlay || true
grep -qw overlay /proc/filesystems && driver=overlay2

mkdir -p "$RUN_DIR" "$DATA_ROOT"
cat >"$STATE_DIR/daemon.json" <<JSON
{
  "hosts": ["unix://$ENGINE_SOCK"],
  "data-root": "$DATA_ROOT",
  "exec-root": "$RUN_DIR/exec",
  "pidfile": "$ENGINE_PID",
  "userns-remap": "$REMAP_USER",
  "bridge": "$BRIDGE",
  "default-address-pools": [{"base": "10.213.128.0/17", "size": 24}],
  "storage-driver": "$driver",
  "log-driver": "json-file",
  "log-opts": {"max-size": "1m", "max-file": "2"},
  "containerd-namespace": "docker-course",
  "containerd-plugins-namespace": "docker-course-plugins"
}
JSON

say "starting the sandbox engine ($driver)"
rm -f "$ENGINE_SOCK"
setsid nohup dockerd --config-file "$STATE_DIR/daemon.json" >>"$STATE_DIR/engine.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 150); do
  engine_up && exit 0
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
die "the engine did not come up; see $STATE_DIR/engine.log"
