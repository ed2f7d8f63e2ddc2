/**
 * Retraining from labels held in the index: galaxies classified with a dispersion plane carry the
 * λRe and ε measured at ingest, and the λRe–ε rule (van de Sande et al. 2021) labels them.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX } from '../config/index.ts';
import { initBackend } from '../model/backend.ts';
import { buildModel } from '../model/network.ts';
import { syntheticDataset } from '../model/synthetic-maps.ts';
import { embeddedPorts } from './deps-local.ts';
import { RejectedInputError } from './errors.ts';
import { DEMO_TRAIN } from './local-run.ts';
import { BlobModelRepository } from './model-repo.ts';
import { labelsFromIndex, retrain } from './retrain.ts';
import { putStoredMap } from './testing/stored-map.ts';
import { RepositoryClassifierSource } from './tf-classifier.ts';
import { runWorker } from './worker.ts';

let tf: typeof tfjs;
let backend: string;
// The embedded adapters: a folder bucket and the SQLite index and queue.
const home = mkdtempSync(join(tmpdir(), 'galspin-retrain-'));
const ports = embeddedPorts(home);
const { blobs, index } = ports;
const maps = syntheticDataset(40, 5, 0.5);

/** λRe, ε per galaxy: clear slow / fast from the map's kind, two on the boundary, two unmeasured. */
function science(i: number): { lambdaRe?: number; ellipticity?: number } {
  if (i === 0 || i === 39) return { lambdaRe: 0.165, ellipticity: 0.2 }; // 0.12 + 0.2/4 = 0.17
  if (i === 1 || i === 38) return {};
  return maps.labels[i] === 1 ? { lambdaRe: 0.55, ellipticity: 0.3 } : { lambdaRe: 0.06, ellipticity: 0.15 };
}

afterAll(() => {
  ports.close();
  rmSync(home, { recursive: true, force: true });
});

beforeAll(async () => {
  const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  tf = b.tf;
  backend = b.name;
  const repo = new BlobModelRepository(blobs);
  const model = buildModel(tf, { convFilters: [4], denseUnits: [8] });
  await repo.saveModel(tf, 'v1', model);
  model.dispose();
  await repo.promote('v1');
  const queue = ports.classifyQueue;
  const bodies = await Promise.all(
    maps.ids.map((galaxyId, i) => {
      const valid = Uint8Array.from(maps.inputs[i], (v) => (v === 0 ? 0 : 1));
      const nValid = valid.reduce((a, v) => a + v, 0);
      return putStoredMap(blobs, galaxyId, maps.inputs[i], valid, { moransI: 0.5, nValid, ...science(i) });
    }),
  );
  await queue.sendBatch(bodies);
  const models = new RepositoryClassifierSource(tf, backend, repo, { igSteps: 4, mcPasses: 2 });
  const stats = await runWorker(
    { blobs, index, queue, models },
    { batchSize: 64, batchMs: 10, waitSeconds: 0, untilEmpty: true },
  );
  await models.dispose();
  expect(stats).toMatchObject({ classified: 40 });
}, 60_000);

describe('labelsFromIndex', () => {
  it('labels measured galaxies by the λRe–ε rule, skipping the unmeasured and the borderline', async () => {
    const { labels, borderline } = await labelsFromIndex(index);
    expect(borderline).toBe(2);
    expect(labels.size).toBe(36);
    maps.ids.forEach((id, i) => {
      if (i <= 1 || i >= 38) expect(labels.has(id)).toBe(false);
      else expect(labels.get(id)).toBe(maps.labels[i]);
    });
  });

  it('uses the rule asked for: under Cappellari 2016 the same galaxies keep their classes', async () => {
    const { labels } = await labelsFromIndex(index, 'cappellari2016');
    expect([...labels.values()].filter((l) => l === 0)).toHaveLength(18);
  });
});

describe('retrain without a labels CSV', () => {
  it('trains on the index labels and compares with the champion on the same test split', async () => {
    const r = await retrain({ tf, backend, blobs, index }, { train: { ...DEMO_TRAIN, epochs: 2, seed: 3 } });
    expect(r.comparison.testSet.n).toBeGreaterThan(0);
    expect(r.comparison.champion?.version).toBe('v1');
    expect(r.comparison.candidate.version).toBe(r.version);
    const card = new TextDecoder().decode(await blobs.get(`${PREFIX.models}${r.version}/model-card.md`));
    expect(card).toMatch(/index \(λRe–ε, vandesande2021\)/);
  }, 120_000);

  it('refuses when neither a labels CSV nor the index is given', async () => {
    await expect(retrain({ tf, backend, blobs }, {})).rejects.toThrow(RejectedInputError);
  });
});
