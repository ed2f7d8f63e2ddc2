/**
 * The two serving engines behind {@link TfClassifier} give the same classifications: ONNX Runtime
 * (the CPU default) and TensorFlow.js (what the GPU task serves with). Same model, same maps, same
 * MC-dropout seed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../model/backend.ts';
import { artifactsToModel, resolveModelDir } from '../model/store.ts';
import { syntheticDataset } from '../model/synthetic-maps.ts';
import type { Classification } from './classifier.ts';
import { BlobModelRepository } from './model-repo.ts';
import { MemoryBlobStore } from './testing/memory.ts';
import { RepositoryClassifierSource } from './tf-classifier.ts';

const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const champion = JSON.parse(readFileSync(`${modelsDir}champion.json`, 'utf8')) as { version: string };

let tf: typeof tfjs;
let backend: string;
let repo: BlobModelRepository;

beforeAll(async () => {
  const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  tf = b.tf;
  backend = b.name;
  repo = new BlobModelRepository(new MemoryBlobStore());
  const { artifacts } = await resolveModelDir(`${modelsDir}${champion.version}`);
  const model = await artifactsToModel(tf, artifacts);
  await repo.saveModel(tf, 'champion', model, { metrics: { test: { calibration: { temperature: 1.3 } } } });
  model.dispose();
  await repo.promote('champion');
}, 60_000);

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
    const maps = syntheticDataset(12, 21, 0.5).inputs;
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
