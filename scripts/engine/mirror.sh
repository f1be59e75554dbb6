#!/usr/bin/env bash
# The sandbox network and the course's services on it: the mirror, a registry that inner daemons use as
# their Docker Hub mirror (http://mirror:5000), filled with the lesson images built by images.sh; and the
# course DNS that sandboxes ask for names outside the network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if ! docker network inspect "$NET" >/dev/null 2>&1; then
  quiet docker network create --driver bridge --subnet "$NET_SUBNET" --gateway "$NET_GATEWAY" --ip-range "$NET_RANGE" \
    -o com.docker.network.bridge.name="$NET_BRIDGE" "$NET"
fi

# service NAME IMAGE [RUN OPTIONS] -- [ARGS]: (re)creates a course service when its image or its options
# changed; data lives on in volumes.
service() {
  local name=$1 image=$2; shift 2
  local want; want=$( (docker image inspect -f '{{.Id}}' "$image"; echo "$*") | sha256sum | cut -c1-16)
  local have; have=$(docker inspect -f '{{index .Config.Labels "course.service"}} {{.State.Running}}' "$name" 2>/dev/null || true)
  [ "$have" = "$want true" ] && return
  say "starting $name"
  quiet docker rm -f "$name" || true
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift || true
  quiet docker run -d --name "$name" --label course.service="$want" --restart unless-stopped \
    --network "$NET" "${opts[@]}" "$image" "$@"
}

service course-mirror course/registry --ip "$MIRROR_IP" --network-alias mirror \
  -p "$PUSH:5000" -v course-mirror:/var/lib/registry
if [ "${COURSE_SANDBOX_INTERNET:-0}" = 1 ]; then
  upstream=$(awk '$1=="nameserver" && $2 !~ /:/ && $2 !~ /^127\./ {printf "--server=%s ", $2}' /etc/resolv.conf)
else
  upstream=--address=/#/
fi
# The Debian archives' names lead to the course's apt cache (README, "Package caches").
upstream="$upstream --address=/deb.debian.org/$APT_CACHE_IP --address=/security.debian.org/$APT_CACHE_IP"
# Docker Hub's names lead to its stand-in when pulls cannot go through to Docker Hub (lib.sh).
if hub_refusal_on; then
  for name in "${HUB_NAMES[@]}"; do upstream="$upstream --address=/$name/$HUB_REFUSAL_IP"; done
fi
# shellcheck disable=SC2086  # one word per dnsmasq option
service course-dns course/dns --ip "$DNS_IP" -- $upstream
# With COURSE_HUB_CACHE=1 a pull-through cache of Docker Hub joins the mirror: inner daemons ask the
# course mirror first and the cache second, and only the cache (never a sandbox) reaches the internet.
if [ "${COURSE_HUB_CACHE:-0}" = 1 ]; then
  service course-hub-cache course/registry --ip "$HUB_CACHE_IP" --network-alias hub-cache \
    -e REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io -v course-hub-cache:/var/lib/registry
else
  quiet docker rm -f course-hub-cache || true
fi
# Docker Hub's stand-in: refuses, in words the docker CLI prints, each pull of an image the mirror lacks,
# and stands in for the absent cache as an empty mirror (`hub-cache:5000`), so BuildKit goes on to it too.
# Small limits, since it only ever answers with a refusal; a new certificate restarts it (the label).
if hub_refusal_on; then
  service course-hub-refusal course/hub-refusal --ip "$HUB_REFUSAL_IP" --network-alias hub-cache \
    --read-only --memory 64m --memory-swap 64m --cpus 0.5 --pids-limit 64 \
    --sysctl net.ipv4.ip_unprivileged_port_start=443 -v "$STATE_DIR/hub-refusal/tls:/tls:ro" \
    --label course.tls="$(openssl x509 -in "$STATE_DIR/hub-refusal/tls/server.crt" -noout -fingerprint -sha256 | cut -d= -f2)"
else
  quiet docker rm -f course-hub-refusal || true
fi
# The package caches (README, "Package caches"): only they may go out, to the archives over 80/443,
# and they look names up through the host's resolvers (--dns), not the course DNS that points back here.
resolvers=()
for ns in $HOST_RESOLVERS; do resolvers+=(--dns "$ns"); done
if [ ${#resolvers[@]} -gt 0 ]; then
  service course-apt-cache course/apt-cache --ip "$APT_CACHE_IP" --network-alias apt-cache "${resolvers[@]}" \
    -e APT_CACHE_MAX_SIZE="$APT_CACHE_MAX_SIZE" -v course-apt-cache:/var/cache/apt-cache
  service course-npm-cache course/npm-cache --ip "$NPM_CACHE_IP" --network-alias npm-cache "${resolvers[@]}" \
    -e NPM_CACHE_MAX_SIZE="$NPM_CACHE_MAX_SIZE" -v course-npm-cache:/verdaccio/storage
else
  # Everything else still works; installs in sandboxes fail at once (nothing listens at the caches' addresses).
  say "warning: no IPv4 resolver in /etc/resolv.conf for the package caches; they are not started"
fi
for _ in $(seq 50); do curl -sf "http://$PUSH/v2/" >/dev/null && break; sleep 0.1; done

# publish SOURCE NAME:TAG...: pushes only when the mirror's manifest is not already this image's.
publish() {
  local src=$1 ref repo tag dst digest; shift
  for ref in "$@"; do
    repo=library/${ref%%:*} tag=${ref#*:} dst=$PUSH/library/$ref
    quiet docker tag "$src" "$dst"
    digest=$(curl -sfI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://$PUSH/v2/$repo/manifests/$tag" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}' || true)
    if [ -n "$digest" ] && docker image inspect -f '{{join .RepoDigests "\n"}}' "$dst" | grep -qx "$PUSH/$repo@$digest"; then
      continue
    fi
    say "pushing $ref to the mirror"
    quiet docker push "$dst" || die "pushing $ref failed"
  done
}

publish course/hello-world hello-world:latest
publish course/busybox busybox:latest
publish course/base:trixie debian:trixie debian:13 debian:latest
publish course/base:bookworm debian:bookworm debian:12
publish course/nginx nginx:latest
publish course/redis redis:latest
publish course/registry registry:latest registry:2
publish course/python python:latest python:3 python:slim python:3-slim
publish course/httpd httpd:latest httpd:2 httpd:2.4
publish course/golang golang:latest golang:1
publish course/node node:latest node:20 node:slim node:20-slim
publish course/postgres postgres:latest postgres:17

# What the lessons install, fetched once while the archives can be reached.
"$(dirname "$0")/caches.sh"

# Tags moved by this run leave their old images dangling.
quiet docker image prune -f
