#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: everything `npm start` and `npm test` need.
#   bash scripts/bootstrap.sh          # runtime: node modules, native TensorFlow if it can be built
#   bash scripts/bootstrap.sh --test   # also what the tests need: Chromium for the browser test
# Each step is skipped when already done, silently, so running it before every `npm test` costs ~1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1
say() { printf '[bootstrap] %s\n' "$*" >&2; }

# 1. Node modules, exactly as locked.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# 2. Native TensorFlow for tfjs (fails soft: galspin falls back to the wasm backend).
if [[ -x scripts/setup-tfjs-native.sh && "${GALSPIN_SKIP_NATIVE:-0}" != 1 ]]; then
  scripts/setup-tfjs-native.sh || say "native TensorFlow unavailable; the wasm backend will be used"
fi

# 3. The CLI's JavaScript build in dist/ (bin/galspin.mjs runs it), when a source is newer than it.
node scripts/build.mjs || { say "building dist/ failed"; exit 1; }

# 4. Test-only system packages.
if [[ $want_test == 1 ]]; then
  if ! command -v chromium >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "apt-get install chromium (browser test)"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      say "chromium missing and cannot be installed here: the browser test will be skipped"
    fi
  fi
  python3 -c 'import moto' 2>/dev/null || say "python3 moto missing: AWS emulator tests will be skipped"
fi
