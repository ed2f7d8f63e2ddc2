/**
 * Attaches report assets (src/formats/report-assets.ts) to an existing model folder, so that
 * `galspin report --model DIR` draws every figure from the folder alone. New models get them at the
 * end of training (src/model/train/train-run.ts); this script is for folders that predate that.
 *
 *   npx tsx scripts/attach-report-assets.ts models/<version> [--survey DIR] [--verify-hash]
 *       [--family analytic --n 2000 --seed 1]   # regenerate the training survey when DIR is absent
 *       [--unknown 200 --unknown-seed 9001]     # a fresh seeded survey of unknown-labelled galaxies
 *
 * The test split is the list of galaxies metrics.json records (test.probabilities); their maps come
 * from the training survey (default: the folder of metrics.json data.source). With --verify-hash the
 * whole survey is loaded as training loaded it and its sha256 must equal metrics.json data.hash, which
 * proves that the maps are the ones the model was trained and tested on.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/model/backend.ts';
import { artifactsToModel, modelInputKind, readModelDir } from '../src/model/store.ts';
import { attachReportAssets } from '../src/model/train/build-report-assets.ts';
import { loadSurvey } from '../src/model/train/labelled-survey.ts';
import type { GeneratorFamily } from '../src/survey/family.ts';
import { generateSurvey } from '../src/survey/generate.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    survey: { type: 'string' },
    'verify-hash': { type: 'boolean', default: false },
    family: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    unknown: { type: 'string', default: '200' },
    'unknown-seed': { type: 'string', default: '9001' },
    'ig-steps': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const say = (s: string) => process.stderr.write(`[attach-report-assets] ${s}\n`);
const fail = (s: string): never => {
  process.stderr.write(`attach-report-assets: ${s}\n`);
  process.exit(1);
};
if (values.help || positionals.length !== 1) {
  process.stdout.write(
    'usage: tsx scripts/attach-report-assets.ts MODEL_DIR [--survey DIR] [--verify-hash] [--family F --n N --seed S] [--unknown N --unknown-seed S] [--ig-steps N]\n',
  );
  process.exit(values.help ? 0 : 2);
}
const modelDir = positionals[0];
const int = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fail(`--${name} must be a non-negative integer (got ${v})`);
};

const metricsFile = join(modelDir, 'metrics.json');
if (!existsSync(metricsFile)) fail(`${metricsFile}: no metrics.json in the model folder`);
const metrics = JSON.parse(await readFile(metricsFile, 'utf8')) as Record<string, unknown> & {
  data?: { source?: string; hash?: string };
};
const surveyDir = values.survey ?? (metrics.data?.source ? dirname(metrics.data.source) : undefined);
if (!surveyDir) fail(`${metricsFile}: no data.source; pass --survey DIR`);
const catalogue = join(surveyDir as string, 'catalogue.csv');
const surveyJson = join(surveyDir as string, 'survey.json');

if (!existsSync(catalogue)) {
  const seed = int('seed', values.seed);
  const n = int('n', values.n);
  if (!values.family || seed === undefined || n === undefined)
    fail(`${catalogue}: absent; pass --family, --n and --seed to regenerate the training survey there`);
  say(`regenerating ${surveyDir} (family ${values.family}, n ${n}, seed ${seed})`);
  await generateSurvey({
    out: surveyDir as string,
    family: values.family as GeneratorFamily,
    n,
    seed: seed as number,
    slowFraction: 0.5,
    unknown: 0,
  });
}

const { tf, name: backend } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
const artifacts = await readModelDir(modelDir);
const inputKind = modelInputKind(artifacts);
let note = 'maps read back from its FITS files';
if (values['verify-hash']) {
  say(`loading ${catalogue} as training did (${inputKind}) to check data.hash`);
  const data = await loadSurvey(catalogue, { inputKind });
  if (data.hash !== metrics.data?.hash)
    fail(`${catalogue}: sha256 ${data.hash} differs from metrics.json data.hash ${metrics.data?.hash}`);
  note = `survey sha256 checked against metrics.json data.hash (${data.hash.slice(0, 12)}…)`;
  say(note);
}

const family =
  values.family ??
  (existsSync(surveyJson) ? (JSON.parse(await readFile(surveyJson, 'utf8')).family as string) : 'analytic');
const nUnknown = int('unknown', values.unknown) ?? 0;
let unknownDir: string | undefined;
if (nUnknown > 0) {
  unknownDir = await mkdtemp(join(tmpdir(), 'galspin-unknown-'));
  const seed = int('unknown-seed', values['unknown-seed']) as number;
  say(`unknown galaxies: fresh ${family} survey, ${nUnknown} unknown, seed ${seed}`);
  await generateSurvey({
    out: unknownDir,
    family: family as GeneratorFamily,
    n: 2,
    unknown: nUnknown,
    seed,
    slowFraction: 0.5,
  });
}

const model = await artifactsToModel(tf, artifacts);
const t0 = performance.now();
let last = 0;
const written = await attachReportAssets(tf, model, modelDir, {
  metrics,
  survey: { catalogue },
  unknownSurvey: unknownDir ? { catalogue: join(unknownDir, 'catalogue.csv') } : undefined,
  inputKind,
  igSteps: int('ig-steps', values['ig-steps']),
  note,
  onProgress: (what, done, total) => {
    if (done === total || performance.now() - last > 5000) {
      last = performance.now();
      say(`${what} ${done}/${total}`);
    }
  },
});
model.dispose();
if (unknownDir) await rm(unknownDir, { recursive: true, force: true });
for (const f of written) say(`${f}: ${((await stat(f)).size / 1024).toFixed(0)} KiB`);
say(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s on ${backend}`);
// Unknown galaxies' provenance names a temporary folder; record the seed instead.
if (unknownDir) {
  const { writeFile } = await import('node:fs/promises');
  const jsonFile = written[0];
  const meta = JSON.parse(await readFile(jsonFile, 'utf8'));
  meta.unknownSource = `unknown-labelled galaxies of a fresh ${family} survey (galspin simulate --family ${family} --n 2 --unknown ${nUnknown} --seed ${values['unknown-seed']} --slow-fraction 0.5), P(fast) at the serving temperature`;
  await writeFile(jsonFile, `${JSON.stringify(meta, null, 1)}\n`);
}
