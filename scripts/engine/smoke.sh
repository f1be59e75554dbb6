#!/usr/bin/env bash
# End-to-end check of the sandbox engine: starts sandboxes with the course profile and tries, inside
# them, what lessons do and what an attacker would. One PASS/FAIL line per check; non-zero on failure.
# Needs up.sh to have run.
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

A=course-smoke-a B=course-smoke-b failed=0
cleanup() { docker rm -f "$A" "$B" >/dev/null 2>&1; }
trap cleanup EXIT
cleanup

check() {  # check NAME COMMAND...: runs the command, output kept in the log
  local name=$1; shift
  if "$@" >>"$LOG" 2>&1; then echo "PASS  $name"; else echo "FAIL  $name"; failed=1; fi
}
refute() {  # refute NAME COMMAND...: passes when the command fails
  local name=$1; shift
  if "$@" >>"$LOG" 2>&1; then echo "FAIL  $name"; failed=1; else echo "PASS  $name"; fi
}
as_learner() { docker exec -u learner -w /home/learner "$1" bash -c "$2"; }
as_root() { docker exec -u 0 "$1" bash -c "$2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

start() {  # start NAME: runs a sandbox and waits for its inner daemon; prints the milliseconds it took
  local t0; t0=$(now_ms)
  "$here/run-sandbox.sh" "$1" >/dev/null || return 1
  for _ in $(seq 200); do
    docker exec "$1" sandbox-ready 2>/dev/null && { echo $(($(now_ms) - t0)); return 0; }
    sleep 0.05
  done
  return 1
}

printf '\n== %s smoke.sh\n' "$(date -Is)" >>"$LOG"
engine_up || { echo "FAIL  engine answers (run up.sh first)"; exit 1; }

ms=$(start "$A") && echo "PASS  sandbox starts, inner daemon ready in ${ms} ms" \
  || { echo "FAIL  sandbox starts"; docker logs "$A" 2>&1 | tail -5; exit 1; }

check "docker run hello-world (from the mirror)" \
  as_learner "$A" 'docker run --rm hello-world | grep -q "Hello from inside a container"'
check "docker pull nginx" as_learner "$A" 'docker pull nginx'
check "docker build FROM python" as_learner "$A" '
  mkdir -p app && cd app
  printf "FROM python\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n" >Dockerfile
  echo "print(\"built in the sandbox\")" >app.py
  docker build -t smoke-app . && docker run --rm smoke-app | grep -q "built in the sandbox"'
check "docker compose up/down (nginx + redis)" as_learner "$A" '
  mkdir -p stack && cd stack
  printf "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n  cache:\n    image: redis\n" >compose.yaml
  docker compose up -d &&
  for i in $(seq 50); do curl -sf localhost:8080 | grep -q "Welcome to nginx" && break; sleep 0.1; done &&
  curl -sf localhost:8080 | grep -q "Welcome to nginx" &&
  for i in $(seq 50); do docker compose exec -T cache redis-cli ping | grep -q PONG && break; sleep 0.1; done &&
  docker compose exec -T cache redis-cli ping | grep -q PONG &&
  docker compose down'
check "named volume and user-defined network" as_learner "$A" '
  docker volume create notes && docker network create lan &&
  docker run --rm -v notes:/data busybox sh -c "echo kept >/data/note" &&
  docker run --rm -v notes:/data busybox cat /data/note | grep -q kept &&
  docker run -d --name srv --network lan nginx &&
  for i in $(seq 50); do docker run --rm --network lan busybox wget -qO- http://srv 2>/dev/null | grep -q nginx && break; sleep 0.2; done &&
  docker run --rm --network lan busybox wget -qO- http://srv | grep -q nginx &&
  docker rm -f srv && docker network rm lan && docker volume rm notes'

before=$(cat /proc/sys/kernel/core_pattern)
refute "root in the sandbox cannot write core_pattern via a fresh procfs" as_root "$A" '
  mkdir -p /tmp/p && mount -t proc proc /tmp/p && echo "|/bin/false" >/tmp/p/sys/kernel/core_pattern'
[ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ] || { echo "FAIL  host core_pattern changed!"; failed=1; }

refute "cloud metadata 169.254.169.254 unreachable" as_learner "$A" 'curl -s -m 3 -o /dev/null http://169.254.169.254/'
gateway=$(ip -4 -o addr show dev "$NET_BRIDGE" | awk '{print $4}' | cut -d/ -f1)
host_ip=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="src") print $(i+1)}')
# Any port the host answers on at that address will do (sshd, the course app, ...).
ports=$(ss -Hltn | awk '{print $4}' | grep -vE '^(127\.|\[::1\])' | sed 's/.*://' | sort -un)
for ip in $gateway $host_ip; do
  open=""
  for p in $ports; do timeout 1 bash -c "exec 3<>/dev/tcp/$ip/$p" 2>/dev/null && { open=$p; break; }; done
  if [ -n "$open" ]; then
    refute "host's $ip:$open unreachable from the sandbox" as_learner "$A" "timeout 3 bash -c 'exec 3<>/dev/tcp/$ip/$open'"
  else
    echo "SKIP  host's $ip: no port there answers even the host"
  fi
done
refute "public internet unreachable (COURSE_SANDBOX_INTERNET unset)" as_learner "$A" 'curl -s -m 3 -o /dev/null http://1.1.1.1/'

ms=$(start "$B") && echo "PASS  second sandbox starts, ready in ${ms} ms" || { echo "FAIL  second sandbox starts"; failed=1; }
sleep 2
echo "INFO  idle sandbox memory: $(docker stats --no-stream --format '{{.MemUsage}}' "$B")"
check "second sandbox serves on its own port 8080" as_learner "$B" '
  docker run -d -p 8080:80 nginx && for i in $(seq 50); do curl -sf localhost:8080 >/dev/null && break; sleep 0.1; done &&
  curl -sf localhost:8080 >/dev/null'
b_ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$B")
refute "sandbox cannot reach another sandbox ($b_ip:8080)" as_learner "$A" "curl -s -m 3 -o /dev/null http://$b_ip:8080/"
refute "sandbox cannot ping another sandbox" as_learner "$A" "ping -c 1 -W 2 $b_ip"

[ $failed = 0 ] && echo "smoke: all checks passed" || echo "smoke: FAILED (details: $LOG)"
exit $failed
