#!/usr/bin/env node
/**
 * Compiles the container tasks (gpu-tasks/infer-worker.ts, gpu-tasks/train.ts) into plain ESM
 * JavaScript with esbuild, as cdk bundles the Lambdas, and gathers the few packages the bundle
 * cannot hold: native bindings and packages that load files beside themselves at run time.
 *
 *   node scripts/container/build-tasks.mjs [OUT]        # OUT defaults to dist/tasks
 *
 * OUT/tasks/*.mjs        the entry points (and their shared chunks, with source maps)
 * OUT/node_modules/      the external packages and their dependency closure, copied from this
 *                        checkout's node_modules (so the lockfile pins them), tests/types/maps pruned
 * OUT/package.json       names what was copied, for the image's provenance
 *
 * Why each external is one: onnxruntime-node (a native binding), @tensorflow/tfjs-node(-gpu)
 * (native, installed by the GPU image itself), @tensorflow/tfjs-backend-wasm (loads its .wasm
 * from its own folder), and @tensorflow/tfjs-core, which must stay one instance shared by the
 * bundle and the wasm backend or the backend registers in a registry the bundle never reads.
 * Anything else the tasks import (AWS SDK, zod, fast-png, …) is bundled.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = resolve(process.argv[2] ?? join(ROOT, 'dist', 'tasks'));

/** Packages left out of the bundle; those installed here are copied with their dependencies. */
const EXTERNAL = [
  'onnxruntime-node',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
];
/** Copied only when present: the GPU image installs tfjs-node-gpu itself; tfjs-node is not shipped. */
const COPIED = ['onnxruntime-node', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: { 'infer-worker': 'gpu-tasks/infer-worker.ts', train: 'gpu-tasks/train.ts' },
  outdir: join(OUT, 'tasks'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  mainFields: ['main', 'module'],
  external: EXTERNAL,
  // ESM output still meets CommonJS dependencies that call require() (as the Lambda bundles do).
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  metafile: true,
  logLevel: 'error',
  legalComments: 'none',
});

/** The folder of package `name` as Node would find it from `fromDir`, or undefined. */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every package folder `names` need at run time (dependencies, optional and peer), from ROOT. */
function closure(names) {
  const seen = new Map();
  const visit = (name, fromDir, optional) => {
    const dir = findPackage(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name}: not installed under ${fromDir} (run npm ci first)`);
    }
    if (seen.has(dir)) return;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    seen.set(dir, pkg.version);
    for (const d of Object.keys(pkg.dependencies ?? {})) visit(d, dir, false);
    for (const d of Object.keys(pkg.optionalDependencies ?? {})) visit(d, dir, true);
    for (const d of Object.keys(pkg.peerDependencies ?? {})) visit(d, dir, true);
  };
  for (const n of names) visit(n, ROOT, false);
  return seen;
}

/** Files no task reads at run time: tests, type declarations, source maps, other platforms' binaries. */
function keep(path) {
  if (/(_test\.js|\.d\.ts|\.map|\.md)$/.test(path)) return false;
  // onnxruntime-node ships darwin/win32/arm64 binaries (~250 MB) next to the linux-x64 one.
  const ort = path.match(/onnxruntime-node\/bin\/napi-v\d+\/([^/]+)(?:\/([^/]+))?/);
  if (ort && (ort[1] !== 'linux' || (ort[2] !== undefined && ort[2] !== 'x64'))) return false;
  return true;
}

const packages = closure(COPIED);
for (const dir of packages.keys()) {
  const dest = join(OUT, relative(ROOT, dir));
  cpSync(dir, dest, {
    recursive: true,
    dereference: true,
    // Nested node_modules are copied as packages of their own, only when needed.
    filter: (src) => keep(src) && !relative(dir, src).split('/').includes('node_modules'),
  });
}

const manifest = {
  name: 'galspin-tasks',
  private: true,
  description: 'compiled galspin container tasks (scripts/container/build-tasks.mjs)',
  dependencies: Object.fromEntries(
    [...packages].map(([dir, version]) => [relative(join(ROOT, 'node_modules'), dir), version]),
  ),
};
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

function size(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, e) => n + size(join(path, e)), 0);
}
const bundled = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith('.mjs'))
  .reduce((n, [, o]) => n + o.bytes, 0);
process.stderr.write(
  `build-tasks: ${OUT}: bundle ${(bundled / 1e6).toFixed(1)} MB, ${packages.size} external packages ${(size(join(OUT, 'node_modules')) / 1e6).toFixed(1)} MB\n`,
);
