/**
 * The two serving engines behind {@link TfClassifier} give the same classifications: ONNX Runtime
 * (the CPU default) and TensorFlow.js (what the GPU task serves with). Same model, same maps, same
 * MC-dropout seed.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../test/support/memory-ports.ts';
import { syntheticDataset } from '../../test/support/synthetic-maps.ts';
import { parseEnv, WorkerEnv } from '../config/env.ts';
import { buildModelInput } from '../maps/model-input.ts';
import { initBackend } from '../model/backend.ts';
import { temperatureOf } from '../model/evaluate/calibration.ts';
import { inputShapeOf } from '../model/explain/attribution-forward.ts';
import { predictMaps } from '../model/serve/predict.ts';
import { DEFAULT_MC_PASSES, DEFAULT_MC_SEED, predictiveUncertainty } from '../model/serve/uncertainty.ts';
import { artifactsToModel, resolveModelDir } from '../model/store.ts';
import type { Classification } from '../ports/classifier.ts';
import { planSurvey } from '../survey/index.ts';
import { BlobModelRepository } from './model-repository.ts';
import { RepositoryClassifierSource } from './tf-classifier.ts';

const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const champion = JSON.parse(readFileSync(`${modelsDir}champion.json`, 'utf8')) as { version: string };

let tf: typeof tfjs;
let backend: string;
let repo: BlobModelRepository;
/** The champion with its own metrics (its real calibration temperature). */
let realRepo: BlobModelRepository;
let realTemperature: number;
let champ: tfjs.LayersModel;

beforeAll(async () => {
  const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  tf = b.tf;
  backend = b.name;
  repo = new BlobModelRepository(new MemoryBlobStore());
  const { artifacts } = await resolveModelDir(`${modelsDir}${champion.version}`);
  const model = await artifactsToModel(tf, artifacts);
  await repo.saveModel(tf, 'champion', model, { metrics: { test: { calibration: { temperature: 1.3 } } } });
  realRepo = new BlobModelRepository(new MemoryBlobStore());
  await realRepo.saveModel(tf, champion.version, model, { metrics: artifacts.metrics });
  realTemperature = temperatureOf(artifacts.metrics);
  champ = model;
  await repo.promote('champion');
}, 60_000);

/** Maps the champion reads, whatever its input shape (the toy discs for a one-channel model). */
/** Inputs the champion reads: velocity maps in km/s, or mock galaxies through the two-channel normalisation. */
function mapsFor(n: number, seed: number): Float32Array[] {
  const { shape } = inputShapeOf(champ);
  if (shape[2] === 1) return syntheticDataset(n, seed, 0.5).inputs;
  const out: Float32Array[] = [];
  for (const g of planSurvey({ family: 'analytic', n, seed, slowFraction: 0.5, unknown: 0 }))
    out.push(buildModelInput(g.galaxy, 'velocity+dispersion').input);
  return out;
}

async function classifyWithReal(engine: 'onnx' | 'tfjs', maps: Float32Array[], mcPasses?: number) {
  const source = new RepositoryClassifierSource(tf, backend, realRepo, { igSteps: 2, mcPasses, engine });
  const classifier = await source.load(champion.version);
  try {
    return (await classifier.classify(maps)).results;
  } finally {
    classifier.dispose();
  }
}

async function classifyWith(engine: 'onnx' | 'tfjs', maps: Float32Array[]) {
  const lines: string[] = [];
  const source = new RepositoryClassifierSource(tf, backend, repo, {
    igSteps: 16,
    mcPasses: 6,
    engine,
    log: (l) => lines.push(l),
  });
  const classifier = await source.load('champion');
  try {
    return { engineName: classifier.backend, lines, ...(await classifier.classify(maps)) };
  } finally {
    classifier.dispose();
  }
}

describe('TfClassifier serving engines', () => {
  it('ONNX Runtime and TensorFlow.js give the same classes, probabilities, uncertainty and attributions', async () => {
    const maps = mapsFor(12, 21);
    const onnx = await classifyWith('onnx', maps);
    const tfjsRun = await classifyWith('tfjs', maps);
    expect(onnx.engineName).toBe('onnxruntime');
    expect(onnx.lines.join('\n')).toMatch(/serving engine onnxruntime/);
    expect(tfjsRun.engineName).toBe(backend);
    expect(Object.keys(onnx.timings).sort()).toEqual(['ig', 'infer', 'uncertainty']);
    // Discs come out fast; the toy slow maps (not the survey's) land between the cuts.
    expect(new Set(onnx.results.map((r) => r.class)).size).toBeGreaterThan(1);
    onnx.results.forEach((a: Classification, i) => {
      const b = tfjsRun.results[i];
      expect(a.class).toBe(b.class);
      expect(a.probability).toBeCloseTo(b.probability, 5);
      expect(a.uncertainty.passes).toBe(6);
      expect(a.uncertainty.mean).toBeCloseTo(b.uncertainty.mean, 4);
      expect(a.uncertainty.std).toBeCloseTo(b.uncertainty.std, 4);
      let num = 0;
      let den = 0;
      for (let j = 0; j < a.attribution.length; j++) {
        num += (a.attribution[j] - b.attribution[j]) ** 2;
        den += b.attribution[j] ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-2);
    });
  });
});

describe('uncertainty that means something', () => {
  it('one default number of passes: the classifier, the worker environment and predict use 30', async () => {
    expect(DEFAULT_MC_PASSES).toBe(30);
    const env = parseEnv(WorkerEnv, {
      GALSPIN_BUCKET: 'bucket',
      GALSPIN_INGEST_QUEUE_URL: 'http://localhost/q1',
      GALSPIN_CLASSIFY_QUEUE_URL: 'http://localhost/q2',
      GALSPIN_TABLE: 'table',
    });
    expect(env.GALSPIN_MC_PASSES).toBe(DEFAULT_MC_PASSES);
    const [r] = await classifyWithReal('onnx', mapsFor(1, 3));
    expect(r.uncertainty.passes).toBe(DEFAULT_MC_PASSES);
  });

  it('a map gets the same σ alone, in a batch of 9 at another position, and from either engine', async () => {
    const maps = mapsFor(9, 31);
    const target = maps[4];
    const byEngine: Record<string, { mean: number; std: number }[]> = {};
    for (const engine of ['onnx', 'tfjs'] as const) {
      const [alone] = await classifyWithReal(engine, [target]);
      const batch = await classifyWithReal(engine, maps);
      const shuffled = await classifyWithReal(engine, [maps[0], target, maps[8]]);
      for (const r of [batch[4], shuffled[1]]) {
        expect(r.probability).toBeCloseTo(alone.probability, 6);
        expect(r.uncertainty.mean).toBeCloseTo(alone.uncertainty.mean, 6);
        expect(r.uncertainty.std).toBeCloseTo(alone.uncertainty.std, 6);
      }
      byEngine[engine] = batch.map((r) => r.uncertainty);
    }
    byEngine.onnx.forEach((u, i) => {
      expect(u.mean).toBeCloseTo(byEngine.tfjs[i].mean, 5);
      expect(u.std).toBeCloseTo(byEngine.tfjs[i].std, 5);
    });
  });

  it('predict (predictMaps + predictiveUncertainty, as the CLI) agrees with the pipeline classifier', async () => {
    const maps = mapsFor(10, 41);
    const preds = await predictMaps(tf, champ, maps, { temperature: realTemperature });
    const u = await predictiveUncertainty(tf, champ, maps, {
      passes: DEFAULT_MC_PASSES,
      seed: DEFAULT_MC_SEED,
      temperature: realTemperature,
    });
    for (const engine of ['onnx', 'tfjs'] as const) {
      const results = await classifyWithReal(engine, maps);
      results.forEach((r, i) => {
        expect(r.probability).toBeCloseTo(preds[i].probability, 5);
        expect(r.uncertainty.mean).toBeCloseTo(u[i].mean, 5);
        expect(r.uncertainty.std).toBeCloseTo(u[i].std, 5);
      });
    }
  });

  it('uncertainty.mean is on the scale of probability: |mean − probability| small for the trained champion', async () => {
    expect(realTemperature).not.toBe(1);
    const maps = mapsFor(24, 51);
    const results = await classifyWithReal('onnx', maps);
    const gaps = results.map((r) => Math.abs(r.uncertainty.mean - r.probability)).sort((a, b) => a - b);
    // Dropout's Jensen gap only: typically well under 0.05, never a different scale.
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(0.05);
    expect(gaps[gaps.length - 1]).toBeLessThan(0.15);
    for (const r of results) expect(r.uncertainty.std).toBeLessThan(0.5);
  });
});
