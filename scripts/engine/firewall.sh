#!/usr/bin/env bash
# Sandboxes may reach the course mirror and nothing else: not the host, not each other, no private or
# link-local range (cloud metadata), and the public internet only when COURSE_SANDBOX_INTERNET=1.
# Rules sit in chains of our own, rebuilt on every run and hooked once into DOCKER-USER and INPUT.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Traffic between two sandboxes stays on one bridge; only with this on does it meet FORWARD.
sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1

private="10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,127.0.0.0/8,0.0.0.0/8"
reserved="224.0.0.0/4,240.0.0.0/4"
# The host's own networks, whatever their addresses.
local_nets=$(ip -4 route show scope link | awk '{print $1}' | paste -sd, -)

chain() { iptables -N "$1" 2>/dev/null || true; iptables -F "$1"; }
hook() { local table=$1 parent=$2; shift 2; $table -C "$parent" "$@" 2>/dev/null || $table -I "$parent" 1 "$@"; }

# REJECT rather than DROP, so a forbidden address fails at once instead of hanging a lesson.
chain COURSE-SANDBOX
iptables -A COURSE-SANDBOX -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
iptables -A COURSE-SANDBOX -d "$MIRROR_IP" -p tcp --dport 5000 -j RETURN
iptables -A COURSE-SANDBOX -d "$DNS_IP" -p udp --dport 53 -j RETURN
iptables -A COURSE-SANDBOX -d "$DNS_IP" -p tcp --dport 53 -j RETURN
# Docker Hub's stand-in answers as Docker Hub (HTTPS) and as the absent hub cache (5000), and goes
# nowhere itself but to the mirror (above).
if hub_refusal_on; then
  iptables -A COURSE-SANDBOX -d "$HUB_REFUSAL_IP" -p tcp -m multiport --dports 443,5000 -j RETURN
fi
if [ "${COURSE_SANDBOX_INTERNET:-0}" = 1 ]; then
  # The course DNS forwards to the host's resolvers, wherever they are.
  for ns in $(awk '$1=="nameserver" && $2 !~ /:/ {print $2}' /etc/resolv.conf); do
    iptables -A COURSE-SANDBOX -s "$DNS_IP" -d "$ns" -p udp --dport 53 -j RETURN
    iptables -A COURSE-SANDBOX -s "$DNS_IP" -d "$ns" -p tcp --dport 53 -j RETURN
  done
fi
# The package caches (README, "Package caches"): sandboxes may ask them; they alone may look up and
# fetch from the package archives, and only over HTTP(S).
for ip_port in "$APT_CACHE_IP:$APT_CACHE_PORT" "$NPM_CACHE_IP:$NPM_CACHE_PORT"; do
  iptables -A COURSE-SANDBOX -d "${ip_port%:*}" -p tcp --dport "${ip_port#*:}" -j RETURN
  for ns in $HOST_RESOLVERS; do
    iptables -A COURSE-SANDBOX -s "${ip_port%:*}" -d "$ns" -p udp --dport 53 -j RETURN
    iptables -A COURSE-SANDBOX -s "${ip_port%:*}" -d "$ns" -p tcp --dport 53 -j RETURN
  done
done
iptables -A COURSE-SANDBOX -d "$private,$reserved${local_nets:+,$local_nets}" -j REJECT
iptables -A COURSE-SANDBOX -s "$APT_CACHE_IP" -p tcp -m multiport --dports 80,443 -j RETURN
iptables -A COURSE-SANDBOX -s "$NPM_CACHE_IP" -p tcp -m multiport --dports 80,443 -j RETURN
if [ "${COURSE_HUB_CACHE:-0}" = 1 ]; then
  # The Docker Hub cache: sandboxes may ask it, and it alone may go out to Docker Hub over HTTPS.
  iptables -I COURSE-SANDBOX 2 -d "$HUB_CACHE_IP" -p tcp --dport 5000 -j RETURN
  iptables -A COURSE-SANDBOX -s "$HUB_CACHE_IP" -p tcp --dport 443 -j RETURN
fi
if [ "${COURSE_SANDBOX_INTERNET:-0}" = 1 ]; then
  iptables -A COURSE-SANDBOX -j RETURN
else
  iptables -A COURSE-SANDBOX -j REJECT
fi
hook iptables DOCKER-USER -i "$NET_BRIDGE" -j COURSE-SANDBOX

chain COURSE-SANDBOX-HOST
iptables -A COURSE-SANDBOX-HOST -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
iptables -A COURSE-SANDBOX-HOST -j REJECT
hook iptables INPUT -i "$NET_BRIDGE" -j COURSE-SANDBOX-HOST
# A lab's private network joins its nodes and nothing else: Docker's internal networks route nowhere,
# and the host is closed to them as to every sandbox.
hook iptables INPUT -i "$LAB_BRIDGES" -j COURSE-SANDBOX-HOST

# The sandbox network has no IPv6, but link-local addresses would still reach across the bridge.
if command -v ip6tables >/dev/null; then
  hook ip6tables FORWARD -i "$NET_BRIDGE" -j DROP
  hook ip6tables INPUT -i "$NET_BRIDGE" -j DROP
  hook ip6tables FORWARD -i "$LAB_BRIDGES" -j DROP
  hook ip6tables INPUT -i "$LAB_BRIDGES" -j DROP
fi
