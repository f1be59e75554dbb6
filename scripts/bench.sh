#!/usr/bin/env bash
# Sets up what the benchmark needs, then prints its table.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
need_package chromium chromium fonts-noto-cjk
ensure_build
npx tsx bench/index.ts
