/**
 * Bundles the Lambda handlers with esbuild as the CDK app would (ESM, node20, minified), then
 * reports each bundle's size, whether anything from @tensorflow got in, and the cold init time
 * (a fresh `node` importing the bundle, median of 5).
 *
 *   npx tsx scripts/measure-bundle.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const ENTRIES = ['preprocess', 'query'];
const out = mkdtempSync(join(tmpdir(), 'galspin-lambda-'));
const env = {
  ...process.env,
  GALSPIN_BUCKET: 'galspin-dev-data',
  GALSPIN_TABLE: 'galspin-dev-results',
  GALSPIN_CLASSIFY_QUEUE_URL: 'http://127.0.0.1:1/000000000000/galspin-dev-classify',
  GALSPIN_INGEST_QUEUE_URL: 'http://127.0.0.1:1/000000000000/galspin-dev-ingest',
  AWS_REGION: 'us-east-1',
};

for (const name of ENTRIES) {
  const outfile = join(out, `${name}.mjs`);
  const result = await build({
    entryPoints: [`lambdas/${name}.ts`],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    outfile,
    metafile: true,
    // Lambda's Node runtime ships no SDK v3 guarantee for our versions: bundle it, as the CDK app does.
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const tf = inputs.filter((p) => p.includes('@tensorflow'));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ms = execFileSync(
      process.execPath,
      [
        '-e',
        `const t=performance.now();await import(${JSON.stringify(outfile)});console.log(performance.now()-t)`,
        '--input-type=module',
      ],
      { env, encoding: 'utf8' },
    );
    times.push(Number(ms.trim()));
  }
  times.sort((a, b) => a - b);
  const kb = statSync(outfile).size / 1024;
  console.log(
    `${name}: ${kb.toFixed(0)} KiB minified, ${inputs.length} modules, TensorFlow modules: ${tf.length}, ` +
      `init (import) median ${times[2].toFixed(0)} ms [${times.map((t) => t.toFixed(0)).join(', ')}]`,
  );
  if (tf.length > 0) process.exitCode = 1;
}
