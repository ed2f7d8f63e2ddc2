import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fixtureMap } from '../../test/support/report-fixtures.ts';
import { modelToArtifacts, writeModelDir } from '../model/store.ts';
import { buildModel } from '../model/train/network.ts';
import { inferOutputs } from './infer.ts';

describe('inferOutputs', () => {
  it('classifies and explains maps with the model folder network (NaN spaxels fed as 0)', async () => {
    await tf.setBackend('cpu');
    const model = buildModel(tf, { convFilters: [4, 8], denseUnits: [8], seed: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'galspin-infer-'));
    await writeModelDir(dir, {
      ...(await modelToArtifacts(tf, model)),
      metrics: { modelVersion: 'tiny' },
      modelCard: '# tiny',
    });
    model.dispose();
    const map = (id: string) => ({ width: 40, height: 40, values: fixtureMap(id) });
    const out = await inferOutputs({
      modelDir: dir,
      backend: 'cpu',
      temperature: 1.5,
      classify: new Map([
        ['100000', map('100000')],
        ['105550', map('105550')],
      ]),
      explain: new Map([['100000', map('100000')]]),
      igSteps: 8,
    });
    expect([...out.probabilities.keys()]).toEqual(['100000', '105550']);
    for (const p of out.probabilities.values()) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    const a = out.attributions.get('100000');
    expect(a).toHaveLength(1600);
    // NaN (outside the aperture) → 0 = the zero baseline, so those pixels carry no attribution
    const v = fixtureMap('100000');
    const outside = [...v.keys()].filter((i) => !Number.isFinite(v[i]));
    expect(outside.length).toBeGreaterThan(0);
    for (const i of outside) expect(Math.abs(a?.[i] ?? 1)).toBe(0);
    expect(a?.some((x) => x !== 0)).toBe(true);
  });
});
