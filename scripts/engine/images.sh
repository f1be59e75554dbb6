#!/usr/bin/env bash
# Builds the course images on the sandbox engine. Each image carries a hash of its recipe as a label,
# so an unchanged recipe costs one `docker image inspect`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Debian bases come from the package mirror because no container registry is reachable.
base() {
  local suite=$1 tag=course/base:$1 tar=$STATE_DIR/cache/base-$1.tar
  docker image inspect "$tag" >/dev/null 2>&1 && return
  if [ ! -s "$tar" ]; then
    say "bootstrapping Debian $suite (about a minute, once)"
    local root; root=$(mktemp -d)
    quiet debootstrap --variant=minbase "$suite" "$root" "${COURSE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
    # Same apt hygiene as Docker's official Debian images: no package cache left in layers.
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
APT
    # Docs, manuals and translations stay out of every image, as in Debian's slim images; images
    # unpacked inside a sandbox live in its memory.
    cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
DPKG
    find "$root/usr/share/doc" -type f ! -name copyright -delete
    rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/usr/share/lintian/*
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log
    mkdir -p "$(dirname "$tar")"
    tar -C "$root" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$root"
  fi
  quiet docker import -c 'CMD ["bash"]' "$tar" "$tag"
}

# Hash of a recipe directory plus the images it builds on, so a new base rebuilds what sits on it.
recipe_hash() {
  local dir=$1; shift
  { (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    for from in "$@"; do docker image inspect -f '{{.Id}}' "$from"; done; } | sha256sum | cut -c1-16
}

# build TAG DIR [FROM...]: builds images/DIR as TAG unless the image already carries the same hash.
build() {
  local tag=$1 dir=$IMAGES_DIR/$2; shift 2
  local hash; hash=$(recipe_hash "$dir" "$@")
  [ "$(docker image inspect -f '{{index .Config.Labels "course.recipe"}}' "$tag" 2>/dev/null)" = "$hash" ] && return
  say "building $tag"
  quiet docker build --label course.recipe="$hash" -t "$tag" "$dir" || die "building $tag failed"
}

base trixie
base bookworm
# Sandboxes trust the CA of Docker Hub's stand-in (scripts/engine/hub-tls.sh). It is made per machine, so
# it joins a copy of the recipe in the state dir, never the repository; a new CA rebuilds only the last layers.
"$ENGINE_DIR/hub-tls.sh"
sandbox_context=$STATE_DIR/cache/sandbox
rm -rf "$sandbox_context" && mkdir -p "$sandbox_context" && cp -r "$IMAGES_DIR/sandbox/." "$sandbox_context/"
install -D -m 644 "$STATE_DIR/hub-refusal/ca.crt" "$sandbox_context/rootfs/usr/local/share/ca-certificates/course-hub-refusal.crt"
IMAGES_DIR=$STATE_DIR/cache build course/sandbox sandbox course/base:trixie
build course/hub-refusal hub-refusal course/base:trixie
build course/registry registry course/base:trixie
build course/dns dns course/base:trixie
build course/hello-world hello-world course/base:trixie
build course/busybox busybox course/base:trixie
build course/nginx nginx course/base:trixie
build course/redis redis course/base:trixie
build course/python python course/base:trixie
# Images that tutorials elsewhere use, built from Debian's packages like the others.
build course/httpd httpd course/base:trixie
build course/golang golang course/base:trixie
# The package caches and the images that use them (README, "Package caches").
build course/node node course/base:trixie
build course/postgres postgres course/base:trixie
build course/apt-cache apt-cache course/base:trixie
# npm's registry is HTTPS: a machine behind a TLS-inspecting proxy trusts that proxy's CA (the host's own
# CAs in /usr/local/share/ca-certificates), and so must the npm cache, to install Verdaccio and to run.
npm_context=$STATE_DIR/cache/npm-cache
rm -rf "$npm_context" && mkdir -p "$npm_context" && cp -r "$IMAGES_DIR/npm-cache/." "$npm_context/"
mkdir -p "$npm_context/host-ca"
find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$npm_context/host-ca/" \; 2>/dev/null || true
IMAGES_DIR=$STATE_DIR/cache build course/npm-cache npm-cache course/node
