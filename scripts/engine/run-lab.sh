#!/usr/bin/env bash
# Usage: run-lab.sh NAME [NODES] — starts a lab of NODES sandboxes (default 3) named NAME-node1…, on a
# private network of their own, as the course app builds one for a Swarm lesson. For lesson authors:
#   docker exec -u learner NAME-node1 bash -lc 'docker swarm init --advertise-addr $(hostname -i)'
# Remove it with: run-lab.sh NAME 0
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: run-lab.sh NAME [NODES]}
count=${2:-3}
network=course-lab-$name
# Gone first, so a second run starts clean (and NODES=0 only removes).
docker rm -f $(docker ps -aq --filter "name=^$name-node[0-9]$") >/dev/null 2>&1 || true
docker network rm "$network" >/dev/null 2>&1 || true
[ "$count" -gt 0 ] || exit 0

docker network create --internal -o "com.docker.network.bridge.name=cl-$(echo -n "$network" | sha256sum | cut -c1-12)" "$network" >/dev/null
for i in $(seq "$count"); do
  "$(dirname "$0")/run-sandbox.sh" "$name-node$i" >/dev/null
  docker network connect --alias "node$i" "$network" "$name-node$i"
done
for i in $(seq "$count"); do
  docker exec "$name-node$i" sh -c 'for i in $(seq 100); do sandbox-ready && exit 0; sleep 0.1; done; exit 1'
  docker exec "$name-node$i" sandbox-node "node$i"
  echo "$name-node$i"
done
