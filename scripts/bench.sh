#!/usr/bin/env bash
# Sets up what the benchmark needs, then prints its table (pass --quick for a short run).
source "$(dirname "$0")/lib.sh"
ensure_node_modules
need_package chromium chromium fonts-noto-cjk
# Two cells behind HAProxy (bench/cells.ts); PostgreSQL comes from scripts/postgres.sh.
need_package haproxy haproxy
ensure_engine
ensure_build
npx tsx bench/index.ts "$@"
