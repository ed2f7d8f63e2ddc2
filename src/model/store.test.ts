import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../test/support/synthetic-maps.ts';
import { ModelStoreError } from '../ports/model-store.ts';
import { initBackend } from './backend.ts';
import { predictProbabilities } from './serve/batched.ts';
import {
  artifactsToModel,
  FolderModelStore,
  modelToArtifacts,
  readModelDir,
  resolveModelDir,
  writeModelDir,
} from './store.ts';
import { buildModel } from './train/network.ts';

type Tf = Awaited<ReturnType<typeof initBackend>>['tf'];
let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = (await initBackend(undefined, { log: () => {} })).tf;
  dir = await mkdtemp(join(tmpdir(), 'galspin-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await initBackend('auto', { log: () => {} });
});

describe('model store', () => {
  it('round-trips the Table 1 model through model.json + weights.bin, and wasm loads what another backend saved', async () => {
    const model = buildModel(tf, { seed: 9 });
    const maps = syntheticDataset(6, 4).inputs;
    const before = predictProbabilities(tf, model, maps, 40);
    const a = await modelToArtifacts(tf, model);
    // 595,873 float32 parameters.
    expect(a.weights.byteLength).toBe(595_873 * 4);
    await writeModelDir(join(dir, 'm1'), {
      ...a,
      metrics: { test: { calibration: { temperature: 1.5 } } },
      modelCard: '# card\n',
    });
    const json = JSON.parse(await readFile(join(dir, 'm1', 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const back = await readModelDir(join(dir, 'm1'));
    expect(back.metrics).toEqual({ test: { calibration: { temperature: 1.5 } } });
    expect(back.modelCard).toBe('# card\n');
    const reloaded = await artifactsToModel(tf, back);
    expect(Array.from(predictProbabilities(tf, reloaded, maps, 40))).toEqual(Array.from(before));
    const wasm = await initBackend('wasm', { log: () => {} });
    const onWasm = await artifactsToModel(wasm.tf, back);
    const p = predictProbabilities(wasm.tf, onWasm, maps, 40);
    for (let i = 0; i < p.length; i++) expect(Math.abs(p[i] - before[i])).toBeLessThan(1e-4);
    model.dispose();
    reloaded.dispose();
    onWasm.dispose();
  });

  it('keeps versions and a champion pointer; resolveModelDir follows it', async () => {
    const store = new FolderModelStore(join(dir, 'models'));
    const a = await modelToArtifacts(tf, buildModel(tf, { convFilters: [4], denseUnits: [4] }));
    await store.save('v1', a);
    await store.save('v2', a);
    expect(await store.list()).toEqual(['v1', 'v2']);
    expect(await store.champion()).toBeUndefined();
    await store.promote('v2');
    expect(await store.champion()).toBe('v2');
    expect((await resolveModelDir(join(dir, 'models'))).dir).toBe(join(dir, 'models', 'v2'));
    await expect(store.promote('v3')).rejects.toThrow(/not in/);
    await expect(store.save('../evil', a)).rejects.toThrow(ModelStoreError);
  });

  it('names the folder and the problem for a broken model', async () => {
    await expect(readModelDir(join(dir, 'nothing'))).rejects.toThrow(/nothing: no model.json/);
    await writeModelDir(join(dir, 'bad'), { modelJson: { x: 1 }, weights: new Uint8Array(4) });
    await writeFile(join(dir, 'bad', 'model.json'), '{oops');
    await expect(readModelDir(join(dir, 'bad'))).rejects.toThrow(/bad: model.json is not valid JSON/);
  });
});
