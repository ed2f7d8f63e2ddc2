#!/usr/bin/env bash
# The CPU task image, built and run for real against the AWS emulator (galspin issue 15).
# As root, on a fresh Debian bookworm machine without a Docker engine or an image registry
# (../shared/CONTAINERS.md): installs podman, runc and debootstrap; builds local base images and
# gpu-tasks/Dockerfile.cpu; then scripts/container/smoke.ts starts moto on the host, provisions,
# pushes the bundled champion, runs the infer-worker container, drops files (some bad), drives the
# preprocess handler as `galspin run --aws` does, checks every file → exactly one row, runs the train
# task container once (a model written, not promoted), and stops everything it started.
# Idempotent: installed packages and built images are reused (GALSPIN_SMOKE_REBUILD=1 rebuilds the
# task image). Last line:
#   container smoke: N files → N rows, image MB, cold start s, galaxies/s
# Not run by CI: it needs root apt installs and ~10 minutes on two cores (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
export P="podman --runtime runc --cgroup-manager=cgroupfs"
IMAGE=${GALSPIN_SMOKE_IMAGE:-localhost/galspin-tasks:cpu}
export GALSPIN_SMOKE_IMAGE=$IMAGE
say() { printf '[container-smoke] %s\n' "$*" >&2; }
t0=$SECONDS
[[ $(id -u) == 0 ]] || { say "run as root (apt installs, rootful podman)"; exit 2; }

# 1. podman + runc + debootstrap, and the settings this sandbox needs (CONTAINERS.md).
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  say "apt-get install podman runc debootstrap"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi
mkdir -p /etc/containers
grep -qs 'default_ulimits' /etc/containers/containers.conf ||
  printf '[containers]\ndefault_ulimits = []\n' >>/etc/containers/containers.conf

# 2. The host side: node_modules (for the driver) and moto.
[[ -d node_modules/esbuild ]] || { say "npm ci"; GALSPIN_SKIP_NATIVE=1 bash scripts/bootstrap.sh; }
python3 -c 'import moto.server' 2>/dev/null || { say "pip install moto[server]"; python3 -m pip install -q 'moto[server]'; }

# 3. Base images, then the task image.
bash scripts/container/base-images.sh
if [[ ${GALSPIN_SMOKE_REBUILD:-0} == 1 ]] || ! $P image exists "$IMAGE"; then
  secret=()
  # Behind a TLS-intercepting proxy npm needs the host's CA bundle; a build secret is never stored.
  [[ -s /etc/ssl/certs/ca-certificates.crt ]] && secret=(--secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt)
  say "building $IMAGE from gpu-tasks/Dockerfile.cpu"
  tb=$SECONDS
  $P build --format docker --network host "${secret[@]}" --build-arg NODE_IMAGE=localhost/galspin-node:22 \
    -t "$IMAGE" -f gpu-tasks/Dockerfile.cpu . >/var/tmp/galspin-smoke-build.log 2>&1 ||
    { tail -40 /var/tmp/galspin-smoke-build.log >&2; exit 1; }
  say "image built in $((SECONDS - tb)) s"
fi

# 4. The run.
npx tsx scripts/container/smoke.ts
say "done in $((SECONDS - t0)) s"
