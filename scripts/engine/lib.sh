# Shared settings for the sandbox engine scripts; sourced, never run.
# Every path here belongs to the course alone, so the engine never touches another Docker on the machine.

ENGINE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGES_DIR=$(cd "$ENGINE_DIR/../../images" && pwd)

RUN_DIR=/run/docker-course
ENGINE_SOCK=$RUN_DIR/engine.sock
ENGINE_PID=$RUN_DIR/engine.pid
DATA_ROOT=/var/lib/docker-course
STATE_DIR=${COURSE_ENGINE_STATE_DIR:-/var/lib/docker-course-state}
LOG=$STATE_DIR/up.log

# A remap user of our own: sandboxes need 165536 ids (65536 for the sandbox itself plus learner's
# 65536 subordinate ids for the rootless inner daemon), and must not share host ids with another
# remapped Docker.
REMAP_USER=docker-course
REMAP_START=300000000
REMAP_COUNT=165536

BRIDGE=course0                  # the engine's default bridge (builds), never docker0
BRIDGE_CIDR=10.213.0.1/24
NET=course-sandboxes
NET_BRIDGE=course-sbx
NET_SUBNET=10.213.16.0/20
NET_GATEWAY=10.213.16.1
NET_RANGE=10.213.24.0/21        # sandboxes' addresses; the course's own services sit below it
LAB_BRIDGES=cl-+                # the private networks of multi-node labs (lib/sandbox/engine.ts names them)
MIRROR_IP=10.213.16.2
DNS_IP=10.213.16.3
HUB_CACHE_IP=10.213.16.4
# The package caches (README, "Package caches"): Debian's archives behind deb.debian.org, npm's registry.
APT_CACHE_IP=10.213.16.5
APT_CACHE_PORT=80
NPM_CACHE_IP=10.213.16.6
NPM_CACHE_PORT=4873
APT_CACHE_MAX_SIZE=${COURSE_APT_CACHE_MAX_SIZE:-2g}
NPM_CACHE_MAX_SIZE=${COURSE_NPM_CACHE_MAX_SIZE:-2g}
# The host's IPv4 resolvers: the caches look the archives up there, never through the course DNS
# (systemd-resolved's real upstreams when /etc/resolv.conf names only its local stub).
host_resolvers() { awk '$1=="nameserver" && $2 !~ /:/ && $2 !~ /^127\./ {print $2}' "$1" 2>/dev/null; }
HOST_RESOLVERS=$(host_resolvers /etc/resolv.conf)
[ -n "$HOST_RESOLVERS" ] || HOST_RESOLVERS=$(host_resolvers /run/systemd/resolve/resolv.conf)
MIRROR_PORT=${COURSE_MIRROR_PORT:-15000}   # published on 127.0.0.1 only, for pushes from the host
PUSH=127.0.0.1:$MIRROR_PORT

# Docker Hub's stand-in (images/hub-refusal): when pulls cannot go through (no Docker Hub cache, no
# internet for sandboxes), the course DNS sends Docker Hub's names to it and it refuses each pull of an
# image the mirror lacks with a message that says so. Its certificates: scripts/engine/hub-tls.sh.
HUB_REFUSAL_IP=10.213.16.7
HUB_NAMES=(registry-1.docker.io index.docker.io auth.docker.io registry.docker.io production.cloudflare.docker.com)
hub_refusal_on() { [ "${COURSE_HUB_CACHE:-0}" != 1 ] && [ "${COURSE_SANDBOX_INTERNET:-0}" != 1 ]; }

export DOCKER_HOST=unix://$ENGINE_SOCK
# The legacy builder works with any docker CLI against this engine; BuildKit would need buildx on the host.
export DOCKER_BUILDKIT=0

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
mkdir -p "$STATE_DIR"

say() { printf '%s\n' "$*"; printf '%s %s\n' "$(date +%T)" "$*" >>"$LOG"; }
die() { say "error: $*"; echo "  (details: $LOG)" >&2; exit 1; }
# Runs a command with its output kept in the log only.
quiet() { "$@" >>"$LOG" 2>&1; }

engine_up() { [ -S "$ENGINE_SOCK" ] && curl -sf --unix-socket "$ENGINE_SOCK" http://engine/_ping >/dev/null 2>&1; }
