/**
 * Retraining from labels held in the index: galaxies classified with a dispersion plane carry the
 * λRe and ε measured at ingest, and a λRe–ε rule labels them (the fixture is built around van de Sande
 * et al. 2021's boundary, so the tests name it; the default is Cappellari 2016).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToyModel, toyDataset, trainOnToyMaps } from '../../test/support/attribution-testkit.ts';
import { putStoredMap } from '../../test/support/stored-map.ts';
import { syntheticDataset } from '../../test/support/synthetic-maps.ts';
import { embeddedPorts } from '../app/embedded-ports.ts';
import { DEMO_TRAIN } from '../app/local-run.ts';
import { PREFIX } from '../config/index.ts';
import { initBackend } from '../model/backend.ts';
import { MIN_BENCHMARK_GALAXIES } from '../model/evaluate/promotion.ts';
import { buildModel, TABLE1_CONFIG } from '../model/train/network.ts';
import { RejectedInputError } from './errors.ts';
import { BlobModelRepository } from './model-repository.ts';
import { type Benchmark, judgeChallenger, labelsFromIndex, retrain } from './retrain.ts';
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
    const { labels, borderline } = await labelsFromIndex(index, 'vandesande2021');
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
    const r = await retrain(
      { tf, backend, blobs, index },
      { train: { ...DEMO_TRAIN, epochs: 2, seed: 3 }, inputKind: 'velocity', rule: 'vandesande2021' },
    );
    expect(r.comparison.testSet.n).toBeGreaterThan(0);
    expect(r.comparison.champion?.version).toBe('v1');
    expect(r.comparison.candidate.version).toBe(r.version);
    const card = new TextDecoder().decode(await blobs.get(`${PREFIX.models}${r.version}/model-card.md`));
    expect(card).toMatch(/index \(λRe–ε, vandesande2021\)/);
    // The demo config on 36 galaxies: a demo model, never promoted; the champion stays.
    expect(r.comparison.promoted).toBe(false);
    expect(r.comparison.reason).toMatch(
      /is a demo model \(not the Table 1 network .*trained on \d+ galaxies \(< 500\)\); demo models are never promoted/,
    );
    expect((await new BlobModelRepository(blobs).champion())?.version).toBe('v1');
    const metrics = (await new BlobModelRepository(blobs).metrics(r.version)) as Record<string, unknown>;
    expect(metrics.demo).toBe(true);
    expect(metrics.inputKind).toBe('velocity');
    expect(metrics.promotion).toMatchObject({ promoted: false });
  }, 120_000);

  it('never promotes a demo model over the champion, and does not even score it on the benchmark', async () => {
    let asked = 0;
    const benchmark = async (): Promise<Benchmark> => {
      asked++;
      const b = syntheticDataset(MIN_BENCHMARK_GALAXIES, 77, 0.5);
      return { name: 'synthetic', ids: b.ids, inputs: b.inputs, labels: b.labels };
    };
    const r = await retrain(
      { tf, backend, blobs, index, benchmark },
      { train: { ...DEMO_TRAIN, epochs: 1, seed: 4 }, inputKind: 'velocity' },
    );
    expect(r.comparison.promoted).toBe(false);
    expect(r.comparison.promotion.reason).toMatch(/demo models are never promoted/);
    expect(asked).toBe(0);
    expect((await new BlobModelRepository(blobs).champion())?.version).toBe('v1');
  }, 120_000);

  it('refuses when neither a labels CSV nor the index is given', async () => {
    await expect(retrain({ tf, backend, blobs }, {})).rejects.toThrow(RejectedInputError);
  });
});

/** Metrics of a Table 1 model trained on enough galaxies (what a real `--full` retrain records). */
const table1Metrics = (extra: Record<string, unknown> = {}) => ({
  config: { ...TABLE1_CONFIG },
  data: { nGalaxies: 1112 },
  ...extra,
});

describe('judgeChallenger: retrain cannot demote the champion (real small models)', () => {
  let trained: tfjs.LayersModel;
  let untrained: tfjs.LayersModel;
  let bench: Benchmark;

  beforeAll(async () => {
    trained = buildToyModel(tf, 2);
    await trainOnToyMaps(tf, trained, toyDataset(160, 5), 4);
    untrained = buildToyModel(tf, 3);
    const maps = toyDataset(600, 9);
    bench = {
      name: 'toy',
      ids: maps.map((_, i) => `g${i}`),
      inputs: maps.map((m) => m.input),
      labels: maps.map((m) => m.label),
    };
  }, 120_000);
  afterAll(() => {
    trained?.dispose();
    untrained?.dispose();
  });

  const judge = (
    challenger: tfjs.LayersModel,
    champion: tfjs.LayersModel,
    opts: {
      challengerMetrics?: Record<string, unknown>;
      championMetrics?: Record<string, unknown>;
      benchmark?: Benchmark | null;
    } = {},
  ) =>
    judgeChallenger(tf, {
      challenger: {
        version: 'challenger',
        model: challenger,
        metrics: opts.challengerMetrics ?? table1Metrics(),
      },
      champion: { version: 'champion', model: champion, metrics: opts.championMetrics ?? table1Metrics() },
      benchmark: opts.benchmark === null ? undefined : async () => opts.benchmark ?? bench,
    });

  it('promotes a clearly better challenger, recording n, accuracies, b, c and the p-value', async () => {
    const d = await judge(trained, untrained);
    expect(d.promoted).toBe(true);
    expect(d.comparison).toMatchObject({ benchmark: 'toy', n: 600, alpha: 0.05 });
    const c = d.comparison as NonNullable<typeof d.comparison>;
    expect(c.challengerAccuracy).toBeGreaterThan(c.championAccuracy);
    expect(c.c).toBeGreaterThan(c.b);
    expect(c.pValue).toBeLessThan(0.05);
  });

  it('a worse or an equal challenger is not promoted', async () => {
    const worse = await judge(untrained, trained);
    expect(worse.promoted).toBe(false);
    expect(worse.comparison?.b).toBeGreaterThan(worse.comparison?.c ?? 0);
    const equal = await judge(trained, trained);
    expect(equal.promoted).toBe(false);
    expect(equal.comparison).toMatchObject({ b: 0, c: 0, pValue: 1 });
  });

  it('a demo model is never promoted even though it scores higher', async () => {
    const d = await judge(trained, untrained, {
      challengerMetrics: {
        config: { ...TABLE1_CONFIG, convFilters: [16, 32], denseUnits: [32] },
        data: { nGalaxies: 40 },
      },
    });
    expect(d.promoted).toBe(false);
    expect(d.reason).toMatch(/demo model \(not the Table 1 network .*; trained on 40 galaxies \(< 500\)\)/);
  });

  it('a different input kind is never promoted (a champion without inputKind reads velocity)', async () => {
    const d = await judge(trained, untrained, {
      challengerMetrics: table1Metrics({ inputKind: 'velocity+dispersion' }),
    });
    expect(d.promoted).toBe(false);
    expect(d.reason).toMatch(/reads velocity\+dispersion, champion champion reads velocity/);
  });

  it(`never promotes without a benchmark or on fewer than ${MIN_BENCHMARK_GALAXIES} galaxies`, async () => {
    const none = await judge(trained, untrained, { benchmark: null });
    expect(none.promoted).toBe(false);
    expect(none.reason).toMatch(/no benchmark/);
    const few = await judge(trained, untrained, {
      benchmark: {
        ...bench,
        ids: bench.ids.slice(0, 499),
        inputs: bench.inputs.slice(0, 499),
        labels: bench.labels.slice(0, 499),
      },
    });
    expect(few.promoted).toBe(false);
    expect(few.reason).toMatch(/has 499 galaxies \(< 500\)/);
  });
});
