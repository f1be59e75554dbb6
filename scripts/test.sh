#!/usr/bin/env bash
# Sets up everything the tests need, then runs them all: types, unit tests, browser tests.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
need_package chromium chromium fonts-noto-cjk
step "type checking"
npx tsc --noEmit
step "unit tests"
npx vitest run
ensure_build
step "browser tests"
npx playwright test
