#!/usr/bin/env bash
# The one entry point for the sandbox engine: installs what is missing, starts the engine, puts the
# sandbox firewall in place, builds changed images and fills the mirror. Quick when all is up already.
# Details go to the log in the state dir; the last line is the engine address for the course app.
set -euo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

printf '\n== %s up.sh\n' "$(date -Is)" >>"$LOG"
"$here/engine.sh"
# Before any sandbox can start: the firewall must never lag behind the engine.
"$here/firewall.sh"
"$here/images.sh"
"$here/mirror.sh"
echo "DOCKER_COURSE_ENGINE=unix://$ENGINE_SOCK"
