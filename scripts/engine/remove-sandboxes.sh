#!/usr/bin/env bash
# Usage: remove-sandboxes.sh INSTANCE — removes every sandbox (and lab network) of one server instance,
# e.g. the ones a previous test run left, so a new run starts from an empty engine and never meets its
# capacity limit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

instance=${1:?usage: remove-sandboxes.sh INSTANCE}
ids=$(docker ps -aq --filter label=course.sandbox=1 --filter "label=course.instance=$instance")
[ -z "$ids" ] || quiet docker rm -f $ids
networks=$(docker network ls -q --filter label=course.sandbox=1 --filter "label=course.instance=$instance")
[ -z "$networks" ] || quiet docker network rm $networks
