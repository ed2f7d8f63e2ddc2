/**
 * The pipeline scenario shared by the embedded and the moto integration tests: real SAMI and
 * synthetic FITS files plus bad files go in; every input must end as exactly one source row
 * (CLASSIFIED, or REJECTED with its reason), each galaxy as one result row under the champion,
 * with its attribution .npy and .png in the bucket.
 */
import { readFileSync } from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { syntheticUpload } from '../../src/app/synthetic-uploads.ts';
import { buildModel } from '../../src/model/train/network.ts';
import { BlobModelRepository } from '../../src/pipeline/model-repository.ts';
import type { BlobStore, ResultIndex } from '../../src/ports/storage.ts';

export interface Input {
  key: string;
  body: Uint8Array;
  /** Expected outcome of this object. */
  expect: 'CLASSIFIED' | 'REJECTED';
  galaxyId?: string;
}

const SAMI = 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits';

/** 1 real SAMI velocity map, `nSynthetic` synthetic galaxies (velocity + dispersion), 3 bad files. */
export function scenarioInputs(runId: string, nSynthetic: number): Input[] {
  const inputs: Input[] = [
    {
      key: `incoming/${runId}/105420_stellar-velocity_default_two-moment.fits`,
      body: readFileSync(SAMI),
      expect: 'CLASSIFIED',
      galaxyId: '105420',
    },
  ];
  for (let i = 0; i < nSynthetic; i++) {
    const up = syntheticUpload(String(8_000_000 + i), i % 2 ? 'slow' : 'fast', 100 + i);
    inputs.push({
      key: `incoming/${runId}/${up.velocity.name}`,
      body: up.velocity.bytes,
      expect: 'CLASSIFIED',
      galaxyId: up.catid,
    });
    inputs.push({
      key: `incoming/${runId}/${up.dispersion.name}`,
      body: up.dispersion.bytes,
      expect: 'CLASSIFIED',
      galaxyId: up.catid,
    });
  }
  const sami = readFileSync(SAMI);
  inputs.push(
    {
      key: `incoming/${runId}/bad/truncated_stellar-velocity_default_two-moment.fits`,
      body: sami.subarray(0, 3000),
      expect: 'REJECTED',
    },
    {
      key: `incoming/${runId}/bad/not fits+really.fits`,
      body: new TextEncoder().encode('hello, I am text'),
      expect: 'REJECTED',
    },
    {
      key: `incoming/${runId}/bad/table-only.fits`,
      body: readFileSync('test/fixtures/fits/testprog.std'),
      expect: 'REJECTED',
    },
  );
  return inputs;
}

/** A tiny untrained CNN of the Table 1 shape family, promoted to champion (CI cost: milliseconds). */
export async function installTinyChampion(
  tf: typeof tfjs,
  blobs: BlobStore,
  version = 'tiny-v1',
): Promise<string> {
  const repo = new BlobModelRepository(blobs);
  const model = buildModel(tf, { convFilters: [4], denseUnits: [8], seed: 3 });
  await repo.saveModel(tf, version, model);
  model.dispose();
  await repo.promote(version);
  return version;
}

/** Exactly one row per input, and one complete result per galaxy. */
export async function assertOneRowPerInput(
  ports: { index: ResultIndex; blobs: BlobStore },
  inputs: Input[],
  modelVersion: string,
): Promise<void> {
  for (const input of inputs) {
    const row = await ports.index.getSource(input.key);
    expect(row?.status, `${input.key}: ${row?.reason ?? ''}`).toBe(input.expect);
    if (input.expect === 'REJECTED') {
      expect(row?.reason, input.key).toMatch(/\S/);
      expect(row?.reason).not.toContain('\n');
    }
  }
  const galaxies = new Set(inputs.filter((i) => i.galaxyId).map((i) => i.galaxyId as string));
  for (const galaxyId of galaxies) {
    const g = await ports.index.getGalaxy(galaxyId);
    expect(
      g.results.map((r) => r.modelVersion),
      galaxyId,
    ).toEqual([modelVersion]);
    const r = g.results[0];
    expect(r.status).toBe('CLASSIFIED');
    if (r.status !== 'CLASSIFIED') continue;
    expect(r.probability).toBeGreaterThanOrEqual(0);
    expect(r.probability).toBeLessThanOrEqual(1);
    expect((await ports.blobs.head(r.attributionKeys.array))?.size).toBe(128 + 40 * 40 * 4);
    expect((await ports.blobs.head(r.attributionKeys.png))?.size).toBeGreaterThan(100);
    if (galaxyId !== '105420') expect(r.lambdaRe, galaxyId).toBeGreaterThan(0);
  }
}
