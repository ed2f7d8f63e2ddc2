import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countingClassifier } from '../../test/support/counting-classifier.ts';
import { MemoryBlobStore, MemoryIndex, MemoryQueue } from '../../test/support/memory-ports.ts';
import { putStoredMap } from '../../test/support/stored-map.ts';
import { readNpyFloat32 } from '../formats/npy.ts';
import { initBackend } from '../model/backend.ts';
import { fitOod } from '../model/serve/ood.ts';
import { buildModel } from '../model/train/network.ts';
import { BlobModelRepository } from './model-repository.ts';
import { RepositoryClassifierSource } from './tf-classifier.ts';
import { runWorker } from './worker.ts';

let tf: typeof tfjs;
let backend: string;

beforeAll(async () => {
  const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  tf = b.tf;
  backend = b.name;
});

/** A rotating-disc velocity field (fast-rotator-like) or noise (slow-like), 40×40, masked outside r=18. */
function velocityInput(kind: 'disc' | 'noise', seed: number): { input: Float32Array; valid: Uint8Array } {
  const input = new Float32Array(1600);
  const valid = new Uint8Array(1600);
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (let r = 0; r < 40; r++) {
    for (let c = 0; c < 40; c++) {
      const x = c - 19.5;
      const y = r - 19.5;
      if (x * x + y * y > 18 * 18) continue;
      valid[r * 40 + c] = 1;
      input[r * 40 + c] = kind === 'disc' ? (200 * x) / (Math.hypot(x, y) + 3) / 200 : rand() * 0.3;
    }
  }
  return { input, valid };
}

function putMap(blobs: MemoryBlobStore, galaxyId: string, kind: 'disc' | 'noise', seed: number) {
  const { input, valid } = velocityInput(kind, seed);
  return putStoredMap(blobs, galaxyId, input, valid, {
    moransI: kind === 'disc' ? 0.9 : 0.05,
    nValid: 1000,
    lambdaRe: 0.5,
    ellipticity: 0.3,
  });
}

async function setup(opts: { champion: boolean; seed?: number } = { champion: true }) {
  const blobs = new MemoryBlobStore();
  const index = new MemoryIndex();
  const queue = new MemoryQueue({ visibilitySeconds: 0, maxReceiveCount: 3 });
  const repo = new BlobModelRepository(blobs);
  if (opts.champion) {
    const model = buildModel(tf, { convFilters: [4], denseUnits: [8], seed: opts.seed ?? 1 });
    await repo.saveModel(tf, 'v1', model, { metrics: { test: { calibration: { temperature: 1.5 } } } });
    model.dispose();
    await repo.promote('v1');
  }
  const models = new RepositoryClassifierSource(tf, backend, repo, {
    igSteps: 16,
    mcPasses: 4,
    championTtlMs: 0,
  });
  return { blobs, index, queue, repo, models };
}

/** The two-channel plane of a map: V/S from the velocity input, a centrally peaked σ/S. */
function kinematicsOf(input: Float32Array, valid: Uint8Array): Float32Array {
  const out = new Float32Array(3200);
  for (let i = 0; i < 1600; i++) {
    if (!valid[i]) continue;
    const r = Math.hypot((i % 40) - 19.5, Math.floor(i / 40) - 19.5);
    out[2 * i] = input[i];
    out[2 * i + 1] = 0.5 + 0.5 * Math.exp(-r / 8);
  }
  return out;
}

describe('velocity + dispersion champion with a velocity-only fallback', () => {
  async function twoModels(withFallback: boolean) {
    const s = await setup({ champion: true });
    const two = buildModel(tf, { convFilters: [4], denseUnits: [8], seed: 2, inputChannels: 2 });
    // An OOD model as training fits one, so the rows carry a real verdict.
    const seen = Array.from({ length: 30 }, (_, k) => {
      const m = velocityInput(k % 2 ? 'disc' : 'noise', 100 + k);
      return kinematicsOf(m.input, m.valid);
    });
    await s.repo.saveModel(tf, 'v2', two, {
      metrics: { test: { calibration: { temperature: 1 } }, ood: fitOod(seen, 40) },
    });
    two.dispose();
    await s.repo.promote('v2');
    if (withFallback) {
      // champion.json names the velocity-only model galaxies without a dispersion map go to
      const pointer = await s.repo.champion();
      await s.blobs.put('models/champion.json', JSON.stringify({ ...pointer, fallback: 'v1' }));
    }
    const paired = velocityInput('disc', 1);
    const alone = velocityInput('disc', 2);
    await s.queue.sendBatch([
      await putStoredMap(
        s.blobs,
        'paired',
        paired.input,
        paired.valid,
        { moransI: 0.9, nValid: 1000 },
        kinematicsOf(paired.input, paired.valid),
      ),
      await putStoredMap(s.blobs, 'alone', alone.input, alone.valid, { moransI: 0.9, nValid: 1000 }),
    ]);
    await runWorker(
      { blobs: s.blobs, index: s.index, queue: s.queue, models: s.models },
      { batchSize: 8, batchMs: 50, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
    );
    return s;
  }

  it('classifies a paired map with the champion and a velocity-only map with the fallback, and says so', async () => {
    const { index, blobs, queue } = await twoModels(true);
    const paired = await index.getResult('paired', 'v2');
    const alone = await index.getResult('alone', 'v1');
    expect(paired?.status).toBe('CLASSIFIED');
    expect(alone?.status).toBe('CLASSIFIED');
    if (paired?.status !== 'CLASSIFIED' || alone?.status !== 'CLASSIFIED') return;
    expect(paired.inputKind).toBe('velocity+dispersion');
    expect(Number.isFinite(paired.oodDistance)).toBe(true);
    expect(paired.oodThreshold).toBeGreaterThan(0);
    expect(typeof paired.outOfDistribution).toBe('boolean');
    expect(paired.note).toBeUndefined();
    // IG keeps one plane per input channel; the PNG shows their per-spaxel sum.
    expect(readNpyFloat32(await blobs.get(paired.attributionKeys.array)).shape).toEqual([40, 40, 2]);
    expect(alone.inputKind).toBe('velocity');
    expect(alone.note).toMatch(/no dispersion map: velocity-only fallback model v1 instead of v2/);
    expect(await index.getResult('alone', 'v2')).toBeUndefined();
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
  });

  it('without a fallback, a map with no dispersion ends FAILED with the reason (still exactly one row)', async () => {
    const { index, queue } = await twoModels(false);
    expect((await index.getResult('paired', 'v2'))?.status).toBe('CLASSIFIED');
    const source = await index.getSource('incoming/t/alone_stellar-velocity_default_two-moment.fits');
    expect(source?.status).toBe('FAILED');
    expect(source?.reason).toMatch(/no dispersion map, and model v2 reads velocity\+dispersion/);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
  });
});

describe('classify worker', () => {
  it('classifies each map once: result row, attribution .npy/.png, source row CLASSIFIED, messages deleted', async () => {
    const { blobs, index, queue, models } = await setup();
    const ids = ['g1', 'g2', 'g3'];
    await queue.sendBatch(
      await Promise.all(ids.map((id, i) => putMap(blobs, id, i % 2 ? 'noise' : 'disc', i + 1))),
    );
    const stats = await runWorker(
      { blobs, index, queue, models },
      { batchSize: 8, batchMs: 50, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
    );
    expect(stats.classified).toBe(3);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
    for (const id of ids) {
      const row = await index.getResult(id, 'v1');
      expect(row?.status).toBe('CLASSIFIED');
      if (row?.status !== 'CLASSIFIED') continue;
      expect(row.probability).toBeCloseTo(1 / (1 + Math.exp(-(row.logit as number) / 1.5)), 10);
      expect(row.uncertainty.passes).toBe(4);
      expect(row.moransI).toBe(id === 'g2' ? 0.05 : 0.9);
      expect(row.lambdaRe).toBe(0.5);
      const npy = readNpyFloat32(await blobs.get(row.attributionKeys.array));
      expect(npy.shape).toEqual([40, 40]);
      // Completeness (Sundararajan et al. 2017): Σ IG ≈ F(x) − F(0), up to the quadrature error.
      expect(row.completenessGap).toBeLessThan(0.05);
      expect(npy.data.some((v) => v !== 0)).toBe(true);
      expect((await blobs.head(row.attributionKeys.png))?.size).toBeGreaterThan(100);
      expect((await index.getSource(row.sourceKey))?.status).toBe('CLASSIFIED');
    }
  });

  it('calls onPoll before every poll, so the container heartbeat moves while the loop lives', async () => {
    const { blobs, index, queue, models } = await setup();
    await queue.sendBatch([await putMap(blobs, 'g1', 'disc', 1), await putMap(blobs, 'g2', 'noise', 2)]);
    let polls = 0;
    const stats = await runWorker(
      { blobs, index, queue, models },
      {
        batchSize: 1,
        batchMs: 0,
        waitSeconds: 0,
        visibilitySeconds: 30,
        untilEmpty: true,
        onPoll: () => polls++,
      },
    );
    expect(stats.batches).toBe(2);
    expect(polls).toBeGreaterThanOrEqual(stats.batches);
  });

  it('a redelivered message overwrites its row: one row per (galaxy, model)', async () => {
    const { blobs, index, queue, models } = await setup();
    const body = await putMap(blobs, 'g1', 'disc', 1);
    await queue.sendBatch([body, body]);
    await runWorker(
      { blobs, index, queue, models },
      { batchSize: 1, batchMs: 0, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
    );
    expect([...index.results.keys()]).toEqual(['g1#v1']);
  });

  it('a poison message is dead-lettered after 3 receives and redrive brings it back', async () => {
    const { blobs, index, queue, models } = await setup();
    await queue.sendBatch(['{"not":"a classify message"}', await putMap(blobs, 'ok', 'disc', 2)]);
    const stats = await runWorker(
      { blobs, index, queue, models },
      { batchSize: 4, batchMs: 0, waitSeconds: 0, visibilitySeconds: 0, untilEmpty: true },
    );
    expect(stats.classified).toBe(1);
    expect(stats.retried).toBe(3);
    expect((await queue.depth()).deadLettered).toBe(1);
    expect(await queue.redrive()).toBe(1);
    expect((await queue.depth()).visible).toBe(1);
  });

  it('without a champion nothing is deleted, and a message on its last receive marks its source FAILED', async () => {
    const { blobs, index, queue, models } = await setup({ champion: false });
    const body = await putMap(blobs, 'g9', 'disc', 9);
    await queue.sendBatch([body]);
    await runWorker(
      { blobs, index, queue, models },
      { batchSize: 4, batchMs: 0, waitSeconds: 0, visibilitySeconds: 0, untilEmpty: true },
    );
    expect(index.results.size).toBe(0);
    expect((await queue.depth()).deadLettered).toBe(1);
    const src = await index.getSource('incoming/t/g9_stellar-velocity_default_two-moment.fits');
    expect(src?.status).toBe('FAILED');
    expect(src?.reason).toMatch(/dead-lettered after 3 receives: no champion model/);
  });

  it('picks up a newly promoted champion without restarting', async () => {
    const { blobs, index, queue, repo, models } = await setup();
    await queue.sendBatch([await putMap(blobs, 'a', 'disc', 1)]);
    await runWorker(
      { blobs, index, queue, models },
      { batchSize: 4, batchMs: 0, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
    );
    const m2 = buildModel(tf, { convFilters: [4], denseUnits: [8], seed: 7 });
    await repo.saveModel(tf, 'v2', m2);
    m2.dispose();
    await repo.promote('v2');
    await queue.sendBatch([await putMap(blobs, 'b', 'disc', 3)]);
    await runWorker(
      { blobs, index, queue, models },
      { batchSize: 4, batchMs: 0, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
    );
    expect(await index.getResult('a', 'v1')).toBeDefined();
    expect(await index.getResult('b', 'v2')).toBeDefined();
    expect(await index.getResult('b', 'v1')).toBeUndefined();
  });
});

describe('one classification per galaxy, model and map version', () => {
  it('repeats and re-uploads of the same map only mark their rows; a changed map is classified again', async () => {
    const { blobs, index, queue, models } = await setup();
    const { source, inferred } = countingClassifier(models);
    const drain = () =>
      runWorker(
        { blobs, index, queue, models: source },
        { batchSize: 8, batchMs: 50, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
      );
    const body = await putMap(blobs, 'g1', 'disc', 1);
    // A duplicated event: the same message twice in one batch, then once more later.
    await queue.sendBatch([body, body]);
    await drain();
    await queue.sendBatch([body]);
    await drain();
    expect(inferred()).toBe(1);

    // The same file uploaded again under another run: same content, same map version.
    const again = JSON.parse(body);
    again.runId = 't2';
    again.provenance.sourceKey = 'incoming/t2/g1_stellar-velocity_default_two-moment.fits';
    await queue.sendBatch([JSON.stringify(again)]);
    await drain();
    expect(inferred()).toBe(1);
    const row = await index.getSource(again.provenance.sourceKey);
    expect(row).toMatchObject({ status: 'CLASSIFIED', mapKey: again.mapKey, runId: 't2' });

    // The file changed: a new version, classified once; the stale message is not classified.
    const changed = await putMap(blobs, 'g1', 'noise', 2);
    expect(JSON.parse(changed).mapKey).not.toBe(JSON.parse(body).mapKey);
    await queue.sendBatch([body, changed]);
    await drain();
    expect(inferred()).toBe(2);
    const result = await index.getResult('g1', 'v1');
    expect(result?.mapKey).toBe(JSON.parse(changed).mapKey);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
  });

  it('a message for a map superseded by another file ends that upload as REJECTED, naming the newer file', async () => {
    const { blobs, index, queue, models } = await setup();
    const old = JSON.parse(await putMap(blobs, 'g2', 'disc', 3));
    old.provenance.sourceKey = 'incoming/a/first-name.fits';
    await putMap(blobs, 'g2', 'noise', 4); // the pointer now names another file's map
    await queue.sendBatch([JSON.stringify(old)]);
    await runWorker(
      { blobs, index, queue, models },
      { batchSize: 8, batchMs: 50, waitSeconds: 0, visibilitySeconds: 30, untilEmpty: true },
    );
    const row = await index.getSource('incoming/a/first-name.fits');
    expect(row?.status).toBe('REJECTED');
    expect(row?.reason).toMatch(
      /^incoming\/a\/first-name\.fits: superseded before it was classified by another file of this galaxy, incoming\/t\/g2_stellar-velocity/,
    );
  });
});
