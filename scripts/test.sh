#!/usr/bin/env bash
# Sets up everything the tests need, then runs them all: types, unit tests, the sandbox engine,
# and browser tests against the real server and engine.
source "$(dirname "$0")/lib.sh"
before=$(tree_state)
ensure_node_modules
need_package chromium chromium fonts-noto-cjk
ensure_engine
step "type checking"
npx tsc --noEmit
step "unit tests"
npx vitest run
step "sandbox engine tests"
bash scripts/engine/smoke.sh
npx vitest run -c vitest.engine.config.ts
ensure_build
tree_unchanged "$before"
step "lesson runner: every check fails before its step and passes after it"
npx tsx scripts/lesson-runner.ts
step "cells behind HAProxy, sharing PostgreSQL"
need_package haproxy haproxy
npx vitest run -c vitest.cells.config.ts
step "browser tests"
# Sandboxes that an earlier run's learners left would count against this run's capacity.
bash scripts/engine/remove-sandboxes.sh e2e
bash scripts/engine/remove-sandboxes.sh e2e-restart
# The browser tests' learners leave sandboxes (and labs) behind, as real learners do; nothing reaps them
# once the test server is gone, so they go here, pass or fail.
trap 'bash scripts/engine/remove-sandboxes.sh e2e' EXIT
npx playwright test
step "browser tests with servers of their own: two cells behind HAProxy, and a restart of the sandbox engine"
# Run alone, after the others: a restart stops every sandbox on the engine, and takes seconds only when
# no other learners' sandboxes are on it.
bash scripts/engine/remove-sandboxes.sh e2e
npx playwright test -c playwright.alone.config.ts
