#!/usr/bin/env node
/**
 * Builds the CLI into dist/: src/cli/main.ts bundled by esbuild as ES modules, one chunk per
 * dynamic import (each subcommand, TensorFlow.js's users, the AWS adapters), every npm package left
 * external (native bindings, wasm files and lazy imports resolve from node_modules as before).
 * Plain JavaScript: bin/galspin.mjs starts in ~0.1 s instead of compiling TypeScript with tsx.
 *
 *   node scripts/build.mjs            # build when dist/ is missing or older than a source
 *   node scripts/build.mjs --force    # build anyway
 *
 * Layout: dist/<build id>/main.js + chunks, and dist/current.json naming the build and every source
 * file in it (bin/galspin.mjs compares their mtimes with the build's). A new build never overwrites
 * one a running galspin may still import chunks from; older builds are pruned.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** Builds kept besides the current one (a long `galspin run` may import a chunk late). */
const KEEP = 3;

/**
 * The current build, or why there is none usable: missing, or a source newer than the build
 * (`stale` names it). Stats every source once (~300 files, a few ms).
 */
export function buildStatus(root = ROOT) {
  const dist = join(root, 'dist');
  let current;
  try {
    current = JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8'));
  } catch {
    return { ok: false, why: 'dist/ has no build' };
  }
  const entry = join(dist, current.id, 'main.js');
  if (!existsSync(entry)) return { ok: false, why: `dist/${current.id}/main.js is missing` };
  for (const file of current.inputs) {
    let mtime;
    try {
      mtime = statSync(join(root, file)).mtimeMs;
    } catch {
      return { ok: false, why: `${file} was removed since the build`, stale: file };
    }
    if (mtime > current.builtAt) return { ok: false, why: `${file} is newer than the build`, stale: file };
  }
  return { ok: true, entry };
}

/**
 * esbuild plugin: `import.meta.url` in a source file means that file's own location (the CLI finds
 * package.json, models/ and the report's fonts relative to it), not the chunk it was bundled into.
 */
function sourceLocationPlugin(outdir) {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = relative(outdir, args.path).split('\\').join('/');
        return {
          contents: text.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}

/** Builds into a fresh dist/<id>/ and makes it current; returns its entry point. */
export async function buildCli({ root = ROOT, quiet = false } = {}) {
  const { build } = await import('esbuild');
  const started = performance.now();
  const startedAt = Date.now();
  const id = `b${Date.now().toString(36)}-${process.pid}`;
  const outdir = join(root, 'dist', id);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'src/cli/main.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceLocationPlugin(outdir)],
  }).catch((err) => {
    rmSync(outdir, { recursive: true, force: true });
    const first = err.errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new Error(`build failed: ${where}${first?.text ?? err.message}`);
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  // builtAt: when esbuild began reading; a source edited during the build makes it stale at once.
  const current = { id, builtAt: startedAt, inputs };
  writeFileSync(join(root, 'dist', `current.json.${process.pid}`), `${JSON.stringify(current)}\n`);
  renameSync(join(root, 'dist', `current.json.${process.pid}`), join(root, 'dist', 'current.json'));
  prune(join(root, 'dist'), id);
  if (!quiet)
    process.stderr.write(
      `[build] dist/${id}: ${inputs.length} sources in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  // Not buildStatus(): a source saved during the build makes the next start rebuild, not this one fail.
  return { ok: true, entry: join(outdir, 'main.js') };
}

function prune(dist, keepId) {
  const builds = readdirSync(dist, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== keepId && /^b[0-9a-z]+-\d+$/.test(d.name))
    .map((d) => ({ name: d.name, mtime: statSync(join(dist, d.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP)) rmSync(join(dist, old.name), { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  mkdirSync(DIST, { recursive: true });
  const force = process.argv.includes('--force');
  const status = buildStatus();
  if (!force && status.ok) process.exit(0);
  try {
    await buildCli();
  } catch (err) {
    process.stderr.write(`[build] ${err.message}\n`);
    process.exit(1);
  }
}
