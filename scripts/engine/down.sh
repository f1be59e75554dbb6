#!/usr/bin/env bash
# Stops the sandbox engine; its containers stop with it. The mirror and course DNS come back with the
# next up.sh, sandboxes do not.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pid=$(cat "$ENGINE_PID" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  echo "sandbox engine not running"
  exit 0
fi
kill -TERM "$pid"
# dockerd gives containers 10 s to stop before killing them.
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || { echo "sandbox engine stopped"; exit 0; }; sleep 0.1; done
die "the engine (pid $pid) did not stop within 30 s"
