#!/usr/bin/env bash
# Brings the native TensorFlow backend (@tensorflow/tfjs-node) to a machine whose npm install could
# not download libtensorflow (its install script fetches it from the internet).
#
# Offline route: the local pip mirror serves the tensorflow-cpu 2.21.0 wheel; its libtensorflow_cc.so.2,
# libtensorflow_framework.so.2 and C headers form a libtensorflow tree that tfjs-node 4.22's binding
# builds against (node-gyp, g++, Node headers). Online route (no wheel): tfjs-node's own install script.
#
# Idempotent (a stamp in deps/ skips everything in well under a second), and fails soft: it always
# exits 0, and galspin then falls back to the wasm backend.
#   scripts/setup-tfjs-native.sh           # build if needed
#   scripts/setup-tfjs-native.sh --force   # rebuild
# Env: GALSPIN_CACHE (default ~/.cache/galspin) keeps the wheel and the extracted tree between runs.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TF_VERSION=2.21.0
PKG=$ROOT/node_modules/@tensorflow/tfjs-node
CACHE=${GALSPIN_CACHE:-$HOME/.cache/galspin}
TREE=$CACHE/libtensorflow-$TF_VERSION
STAMP=$PKG/deps/.galspin-native-$TF_VERSION
say() { printf '[setup-tfjs-native] %s\n' "$*" >&2; }
give_up() { say "$*; native TensorFlow not available, galspin will use the wasm backend"; exit 0; }

[[ -d $PKG ]] || give_up "@tensorflow/tfjs-node is not installed (optional dependency)"
# node-pre-gyp picks the highest N-API version tfjs-node lists (8), not Node's own.
if [[ ${1:-} != --force && -f $STAMP ]] && compgen -G "$PKG/lib/napi-v*/tfjs_binding.node" >/dev/null; then
  exit 0 # already built: silent, bootstrap runs this before every npm start / npm test
fi

verify() {
  (cd "$ROOT" && timeout 120 node -e "
    const tf = require('@tensorflow/tfjs-node');
    const s = tf.tensor([1, 2, 3]).square().sum().dataSync()[0];
    if (tf.getBackend() !== 'tensorflow' || s !== 14) process.exit(3);
  " >/dev/null 2>&1)
}

# 1. The wheel, from the cache or the pip mirror.
wheel=$(ls "$CACHE"/wheels/tensorflow_cpu-$TF_VERSION-*.whl 2>/dev/null | head -1)
if [[ -z $wheel ]] && command -v python3 >/dev/null 2>&1; then
  say "pip download tensorflow-cpu==$TF_VERSION (cached in $CACHE/wheels)"
  mkdir -p "$CACHE/wheels"
  # -qq: pip's per-retry warnings would fill the terminal when no mirror answers; one line below says so.
  timeout 600 python3 -m pip download -qq --retries 2 --timeout 30 "tensorflow-cpu==$TF_VERSION" --no-deps --only-binary=:all: \
    -d "$CACHE/wheels" >&2 || say "pip download failed"
  wheel=$(ls "$CACHE"/wheels/tensorflow_cpu-$TF_VERSION-*.whl 2>/dev/null | head -1)
fi

if [[ -z $wheel ]]; then
  # No wheel: let tfjs-node fetch its own libtensorflow (needs the internet).
  say "no tensorflow-cpu wheel; trying tfjs-node's own install (downloads libtensorflow)"
  (cd "$PKG" && PATH=$ROOT/node_modules/.bin:$PATH timeout 900 node scripts/install.js >&2) || give_up "tfjs-node install failed"
  verify || give_up "tfjs-node installed but does not load"
  echo "tfjs-node install.js $(date -u +%FT%TZ)" >"$STAMP"
  say "native TensorFlow ready (downloaded libtensorflow)"
  exit 0
fi

# 2. A libtensorflow tree from the wheel: the two shared objects and the C API headers.
if [[ ! -f $TREE/.complete ]]; then
  say "extracting libtensorflow from $(basename "$wheel")"
  rm -rf "$TREE" && mkdir -p "$TREE"
  python3 - "$wheel" "$TREE" <<'PY' || give_up "could not extract the wheel"
import sys, zipfile, os, shutil
wheel, tree = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
libs = {'tensorflow/libtensorflow_cc.so.2': 'lib/libtensorflow_cc.so.2',
        'tensorflow/libtensorflow_framework.so.2': 'lib/libtensorflow_framework.so.2'}
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/xla/tsl/c/',
           'tensorflow/include/tensorflow/core/platform/ctstring', 'tensorflow/include/tsl/platform/ctstring',
           'tensorflow/include/tensorflow/tsl/platform/ctstring')
for info in z.infolist():
    name = info.filename
    if name in libs:
        dest = os.path.join(tree, libs[name])
    elif name.startswith(headers) and not name.endswith('/'):
        dest = os.path.join(tree, 'include', name[len('tensorflow/include/'):])
    else:
        continue
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(info) as src, open(dest, 'wb') as out:
        shutil.copyfileobj(src, out, 1 << 20)
missing = [v for v in libs.values() if not os.path.exists(os.path.join(tree, v))]
if missing or not os.path.exists(os.path.join(tree, 'include/tensorflow/c/c_api.h')):
    sys.exit('wheel lacks ' + ', '.join(missing or ['tensorflow/c/c_api.h']))
PY
  (
    cd "$TREE/lib" || exit 1
    # tfjs-node 4.22 links -ltensorflow and looks for the 2.9.1 names (scripts/deps-constants.js).
    for n in libtensorflow.so libtensorflow.so.2 libtensorflow.so.2.9.1; do ln -sf libtensorflow_cc.so.2 "$n"; done
    for n in libtensorflow_framework.so libtensorflow_framework.so.2.9.1; do ln -sf libtensorflow_framework.so.2 "$n"; done
  )
  touch "$TREE/.complete"
fi

# 3. Put the tree where binding.gyp expects it (hard links when possible: no second 850 MB copy).
rm -rf "$PKG/deps" && mkdir -p "$PKG/deps"
cp -al "$TREE/include" "$TREE/lib" "$PKG/deps/" 2>/dev/null || cp -a "$TREE/include" "$TREE/lib" "$PKG/deps/" ||
  give_up "could not copy libtensorflow into $PKG/deps"

# 4. Build the binding from source against it.
command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || give_up "no C++ toolchain (g++, make)"
# node-gyp would download Node's headers; use the installed ones when present.
nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
if [[ -z $nodedir || $nodedir == undefined ]]; then
  nodedir=$(dirname "$(dirname "$(command -v node)")")
fi
[[ -f $nodedir/include/node/node_api.h ]] && export npm_config_nodedir=$nodedir
say "building the tfjs-node binding (node-gyp; about a minute)"
(
  cd "$PKG" &&
    PATH=$ROOT/node_modules/.bin:$(dirname "$(command -v npm)")/../lib/node_modules/npm/bin/node-gyp-bin:$PATH \
      timeout 900 node-pre-gyp install --build-from-source >"$CACHE/tfjs-node-build.log" 2>&1
) || give_up "binding build failed (log: $CACHE/tfjs-node-build.log)"

# 5. Prove it loads and computes before declaring success.
verify || give_up "binding built but does not load (log: $CACHE/tfjs-node-build.log)"
echo "tensorflow-cpu $TF_VERSION wheel, built $(date -u +%FT%TZ)" >"$STAMP"
say "native TensorFlow ready (tensorflow-cpu $TF_VERSION)"
exit 0
