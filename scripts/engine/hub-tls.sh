#!/usr/bin/env bash
# The certificates of the Docker Hub stand-in (images/hub-refusal): a course CA made once per machine and
# a server certificate for Docker Hub's names signed by it, all kept in the state dir, never committed.
# The service gets the server key and certificate; sandboxes get the CA certificate alone, baked into
# the sandbox image's trust store (images.sh copies it into the image's build context).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$STATE_DIR/hub-refusal
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
mkdir -p tls

# The CA may vouch for Docker Hub's names and nothing else (name constraints), so even its key could
# not be used to impersonate another site to a sandbox.
if [ ! -s ca.crt ] || [ ! -s ca.key ]; then
  say "making the course CA for the Docker Hub stand-in"
  permitted=$(printf 'permitted;DNS:%s,' docker.io "${HUB_NAMES[@]}")
  quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -keyout ca.key -out ca.crt -subj "/CN=Docker course: Docker Hub stand-in CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,${permitted%,}"
  rm -f tls/server.crt
fi

# A fresh server certificate when there is none, it ends within 30 days, or it misses one of the names.
covered() { for name in "${HUB_NAMES[@]}"; do openssl x509 -in tls/server.crt -noout -checkhost "$name" | grep -q 'does match' || return 1; done; }
if [ ! -s tls/server.crt ] || ! openssl x509 -in tls/server.crt -noout -checkend 2592000 >/dev/null || ! covered; then
  say "making the Docker Hub stand-in's certificate"
  san=$(printf 'DNS:%s,' "${HUB_NAMES[@]}")
  quiet openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls/server.key -out server.csr \
    -subj "/CN=${HUB_NAMES[0]}"
  quiet openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -out tls/server.crt \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n' "${san%,}")
  rm -f server.csr
fi
# The service runs as nobody in the engine's remapped user namespace; only that user may read the key.
# The service (images/hub-refusal) gets tls/ alone.
chown "$((REMAP_START + 65534)):$((REMAP_START + 65534))" tls/server.key tls/server.crt
chmod 400 tls/server.key ca.key
chmod 444 tls/server.crt ca.crt
