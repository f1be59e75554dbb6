# Shared helpers for the setup scripts: each step is idempotent and quick when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Next.js would otherwise try to send usage data to the internet from every build and server.
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Debian packages, installed only when a command is missing.
need_package() { # need_package COMMAND PACKAGE...
  command -v "$1" >/dev/null 2>&1 && return
  step "installing $*"
  if [ "$(id -u)" -ne 0 ]; then echo "Installing $2 needs root (apt-get)." >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${@:2}" >/dev/null
}

ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # better-sqlite3 (the progress store) compiles SQLite when no prebuilt binary can be downloaded.
    need_package g++ g++ make python3
    step "installing npm packages"
    # Exactly the lockfile: a fresh clone stays unchanged by its setup.
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The sandbox engine, its images and the course mirror (scripts/engine/up.sh is idempotent).
ensure_engine() {
  step "starting the sandbox engine"
  if [ "$(id -u)" -ne 0 ]; then echo "The sandbox engine needs root (it runs a dockerd of its own)." >&2; exit 1; fi
  bash scripts/engine/up.sh
}

# Rebuilds the site only when its sources changed since the last build.
ensure_build() {
  local hash
  hash=$(find app components lib content public scripts/build-content.ts instrumentation-client.ts next.config.mjs postcss.config.mjs tsconfig.json package-lock.json \
    -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  if [ "$(cat .next/source-hash 2>/dev/null)" != "$hash" ]; then
    step "building the course"
    npm run --silent build
    echo "$hash" > .next/source-hash
  fi
}

# The setup must leave a clone as it found it (a rewritten lockfile, a generated file that is not ignored):
# `tree_state` before, `tree_unchanged "$before"` after.
tree_state() { git status --porcelain 2>/dev/null || true; }
tree_unchanged() {
  local after
  after=$(tree_state)
  if [ "$after" != "$1" ]; then
    echo "The setup changed files of the repository:" >&2
    diff <(echo "$1") <(echo "$after") >&2 || true
    exit 1
  fi
}
