#!/bin/sh
# Fills in the cap, the upstreams and the resolver (this container's: Docker's embedded DNS, which asks
# the host's resolvers given as --dns, never the course DNS that points the archives' names back here),
# then runs nginx in the foreground.
set -eu
resolver=$(awk '$1=="nameserver" && $2 !~ /:/ {printf "%s ", $2}' /etc/resolv.conf)
[ -n "$resolver" ] || { echo "apt-cache: no IPv4 resolver in /etc/resolv.conf" >&2; exit 1; }
mkdir -p /var/cache/apt-cache/data /var/cache/apt-cache/tmp
chown -R www-data:www-data /var/cache/apt-cache
sed -e "s|@MAX_SIZE@|$APT_CACHE_MAX_SIZE|g" -e "s|@RESOLVER@|$resolver|g" \
    -e "s|@UPSTREAM@|$APT_CACHE_UPSTREAM|g" -e "s|@SECURITY_UPSTREAM@|$APT_CACHE_SECURITY_UPSTREAM|g" \
    /etc/nginx/apt-cache.conf.in >/etc/nginx/conf.d/apt-cache.conf
exec nginx -g 'daemon off;'
