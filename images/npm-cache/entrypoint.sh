#!/bin/bash
# Runs Verdaccio as the node user beside a sweeper that keeps the storage under NPM_CACHE_MAX_SIZE.
# Verdaccio has no size cap of its own. The sweeper deletes the least recently fetched tarballs
# (package metadata stays, so a deleted tarball is fetched again from the registry when asked for, while
# the machine is online). It checks every minute, so the cap can be passed by at most a minute's downloads.
set -euo pipefail
storage=/verdaccio/storage
bytes() { numfmt --from=iec "${1^^}"; }
cap=$(bytes "$NPM_CACHE_MAX_SIZE")
mkdir -p "$storage"
chown -R node:node "$storage"
sed "s|\${NPM_CACHE_UPSTREAM}|$NPM_CACHE_UPSTREAM|" /verdaccio/config.yaml >/tmp/verdaccio.yaml

sweep() {
  while sleep 60; do
    used=$(du -sb "$storage" | cut -f1)
    [ "$used" -gt "$cap" ] || continue
    # Oldest first, down to 90% of the cap.
    find "$storage" -name '*.tgz' -printf '%T@ %s %p\n' | sort -n | while read -r _ size path; do
      [ "$used" -le $((cap * 9 / 10)) ] && break
      rm -f "$path"; used=$((used - size))
    done
  done
}
sweep &
exec setpriv --reuid=node --regid=node --init-groups verdaccio --config /tmp/verdaccio.yaml
