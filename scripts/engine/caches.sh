#!/usr/bin/env bash
# Seeds the package caches with what the lessons install (images/apt-cache/seed.txt and the lockfile in
# images/npm-cache/seed), so the lessons work later with no internet. Clients on the sandbox network
# fetch through the caches exactly as a learner's build does. Quick when already seeded: a marker holds
# a hash of the seed lists and of the caches' volumes; without internet it warns and leaves the marker
# unset, so the next up.sh tries again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

marker=$STATE_DIR/caches-seeded
seed_apt=$IMAGES_DIR/apt-cache/seed.txt
seed_npm=$IMAGES_DIR/npm-cache/seed
want=$( (cat "$seed_apt" "$seed_npm/package.json" "$seed_npm/package-lock.json"
  docker volume inspect -f '{{.Name}} {{.CreatedAt}}' course-apt-cache course-npm-cache
  echo "$APT_CACHE_MAX_SIZE $NPM_CACHE_MAX_SIZE") | sha256sum | cut -c1-16)
[ "$(cat "$marker" 2>/dev/null)" = "$want" ] && exit 0

say "filling the package caches (a few minutes, once)"
client() { docker run --rm -i --network "$NET" --dns "$DNS_IP" "$@"; }
ok=1
while read -r suite packages; do
  case "$suite" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086  # one word per package
  quiet client "course/base:$suite" sh -c "apt-get update && apt-get install -y --download-only $packages" \
    || { say "warning: the apt cache could not fetch $suite's packages (no internet?)"; ok=0; }
done <"$seed_apt"
quiet client course/node sh -c 'mkdir /tmp/app && cd /tmp/app && tar -x && npm ci --ignore-scripts' \
  < <(tar -C "$seed_npm" -c package.json package-lock.json) \
  || { say "warning: the npm cache could not fetch the seed app's packages (no internet?)"; ok=0; }
if [ "$ok" = 1 ]; then
  echo "$want" >"$marker"
  say "package caches filled: $(docker exec course-apt-cache du -sh /var/cache/apt-cache | cut -f1) apt, $(docker exec course-npm-cache du -sh /verdaccio/storage | cut -f1) npm"
fi
