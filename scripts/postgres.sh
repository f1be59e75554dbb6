#!/usr/bin/env bash
# A PostgreSQL of the tests' own (Debian's server, a cluster named `course` on 127.0.0.1:5433), for the
# store's tests. Idempotent and quick when already running. The last line of stdout is the tests'
# database URL; everything else goes to stderr, so a caller can read the URL alone.
source "$(dirname "$0")/lib.sh"
exec 3>&1 1>&2

cluster=course
port=5433
# A fixed password is enough: the cluster listens on 127.0.0.1 only and holds nothing but test rows.
# Password over TCP is Debian's own rule for new clusters, so pg_hba.conf stays as Debian wrote it.
url="postgres://course:course@127.0.0.1:$port/course_test"

answers() { command -v psql >/dev/null && PGCONNECT_TIMEOUT=5 psql -X -q -d "$url" -c 'SELECT 1' >/dev/null 2>&1; }
print_url() { echo "$url" >&3; exit 0; }

answers && print_url

if [ "$(id -u)" -ne 0 ]; then echo "Setting up the tests' PostgreSQL needs root; or set COURSE_TEST_DATABASE_URL." >&2; exit 1; fi
# Two test runs starting at once must not both create the cluster.
exec 9>"${TMPDIR:-/tmp}/course-postgres.lock"
flock 9
answers && print_url

# psql and pg_ctlcluster can be there without the server; Debian keeps the server's binaries off PATH.
server_versions() {
  local bin
  for bin in /usr/lib/postgresql/*/bin/postgres; do
    if [ -x "$bin" ]; then basename "$(dirname "$(dirname "$bin")")"; fi
  done | sort -n
}
if [ -z "$(server_versions)" ]; then
  step "installing PostgreSQL"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# Ver Cluster Port Status Owner Datadir Logfile
existing=$(pg_lsclusters --no-header | awk -v name="$cluster" '$2 == name')
if [ -z "$existing" ]; then
  version=$(server_versions | tail -n 1)
  step "creating the PostgreSQL cluster $version/$cluster on port $port"
  pg_createcluster --quiet --locale=C.UTF-8 --port="$port" "$version" "$cluster" >/dev/null
  # In a file of its own: pg_createcluster's -o would write 127.0.0.1 unquoted, taking it for a number.
  echo "listen_addresses = '127.0.0.1'" >"/etc/postgresql/$version/$cluster/conf.d/course.conf"
  existing=$(pg_lsclusters --no-header | awk -v name="$cluster" '$2 == name')
fi
read -r version _ cluster_port status _ <<<"$existing"
if [ "$cluster_port" != "$port" ]; then echo "The PostgreSQL cluster $version/$cluster listens on port $cluster_port, not $port." >&2; exit 1; fi
if [[ "$status" != online* ]]; then
  step "starting the PostgreSQL cluster $version/$cluster"
  # pg_ctlcluster starts the server as the cluster's owner (PostgreSQL refuses to run as root) and waits for it.
  # The server must not inherit the caller's pipe (fd 3) or the lock (fd 9): it would hold them for as long as
  # it runs, so a caller reading the URL would wait for ever, and so would the next run's flock.
  pg_ctlcluster "$version" "$cluster" start 3>&- 9>&-
fi

# The role may make databases: each test run works in a database of its own and drops it after.
runuser -u postgres -- psql --cluster "$version/$cluster" -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
SELECT 'CREATE ROLE course' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'course')\gexec
ALTER ROLE course LOGIN CREATEDB PASSWORD 'course';
SELECT 'CREATE DATABASE course_test OWNER course' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'course_test')\gexec
SQL

answers || { echo "PostgreSQL is running but $url does not answer." >&2; exit 1; }
print_url
