#!/usr/bin/env bash
# Sets up everything the course needs and serves it on http://localhost:3000 (PORT to change).
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_engine
ensure_build
step "serving the course on http://localhost:${PORT:-3000}"
exec npx tsx server.ts
