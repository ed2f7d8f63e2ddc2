import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { buildModel, compileModel, logitModel, shiftLogit, TABLE1_PARAMS } from './network.ts';

type Tf = Awaited<ReturnType<typeof initBackend>>['tf'];
let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend(undefined, { log: () => {} })).tf;
});

// Chegeni et al. 2025, Table 1 (plus the parameter-free sigmoid split off the last Dense).
const TABLE1: [string, number[], number][] = [
  ['conv1', [38, 38, 64], 640],
  ['pool1', [19, 19, 64], 0],
  ['bn1', [19, 19, 64], 256],
  ['conv2', [17, 17, 128], 73_856],
  ['pool2', [8, 8, 128], 0],
  ['bn2', [8, 8, 128], 512],
  ['conv3', [6, 6, 256], 295_168],
  ['pool3', [3, 3, 256], 0],
  ['bn3', [3, 3, 256], 1_024],
  ['flatten', [2304], 0],
  ['dense1', [96], 221_280],
  ['dropout1', [96], 0],
  ['dense2', [32], 3_104],
  ['dropout2', [32], 0],
  ['logit', [1], 33],
  ['probability', [1], 0],
];

describe('buildModel (Table 1)', () => {
  it('matches every layer of Table 1 in output shape and parameter count', () => {
    const model = buildModel(tf);
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(layers.map((l) => l.name)).toEqual(TABLE1.map((r) => r[0]));
    for (const [name, shape, params] of TABLE1) {
      const layer = model.getLayer(name);
      expect([name, (layer.outputShape as number[]).slice(1)]).toEqual([name, shape]);
      expect([name, layer.countParams()]).toEqual([name, params]);
    }
    expect(model.countParams()).toBe(TABLE1_PARAMS);
    expect(TABLE1.reduce((s, r) => s + r[2], 0)).toBe(595_873);
    model.dispose();
  });

  it('puts L2 on the conv kernels only, dropout 0.4, and compiles with Adam 2e-4', () => {
    const model = buildModel(tf);
    for (const name of ['conv1', 'conv2', 'conv3']) {
      expect(model.getLayer(name).getConfig().kernelRegularizer).toMatchObject({ config: { l2: 1e-3 } });
    }
    expect(model.getLayer('dense1').getConfig().kernelRegularizer).toBeFalsy();
    expect(model.getLayer('dropout1').getConfig().rate).toBe(0.4);
    compileModel(tf, model);
    const opt = model.optimizer.getConfig();
    expect(opt.learningRate).toBeCloseTo(2e-4, 10);
    expect(opt.beta1).toBeCloseTo(0.9, 10);
    model.dispose();
  });

  it('outputs sigmoid(logit) in (0, 1) and the logit model shares weights', () => {
    const model = buildModel(tf);
    const x = tf.randomNormal([3, 40, 40, 1], 0, 1, 'float32', 7);
    const p = model.predict(x) as ReturnType<Tf['tensor']>;
    const z = logitModel(tf, model).predict(x) as ReturnType<Tf['tensor']>;
    const pv = Array.from(p.dataSync());
    const zv = Array.from(z.dataSync());
    expect(p.shape).toEqual([3, 1]);
    pv.forEach((v, i) => {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
      expect(v).toBeCloseTo(1 / (1 + Math.exp(-zv[i])), 5);
    });
    tf.dispose([x, p, z]);
    model.dispose();
  });

  it('shiftLogit moves every logit by exactly the shift and leaves the other weights alone', () => {
    const model = buildModel(tf, { seed: 3 });
    const x = tf.randomNormal([4, 40, 40, 1], 0, 1, 'float32', 9);
    const before = (logitModel(tf, model).predict(x) as ReturnType<Tf['tensor']>).dataSync().slice();
    const conv = model.getLayer('conv1').getWeights()[0].dataSync().slice();
    shiftLogit(tf, model, Math.log(7));
    const after = (logitModel(tf, model).predict(x) as ReturnType<Tf['tensor']>).dataSync();
    before.forEach((z, i) => {
      expect(after[i] - z).toBeCloseTo(Math.log(7), 5);
    });
    expect(Array.from(model.getLayer('conv1').getWeights()[0].dataSync())).toEqual(Array.from(conv));
    tf.dispose(x);
    model.dispose();
  });

  it('builds tuner variants of 1–4 conv blocks and is reproducible for a seed', () => {
    for (const filters of [[32], [32, 64], [32, 64, 96], [32, 64, 96, 128]]) {
      const m = buildModel(tf, { convFilters: filters });
      expect((m.outputShape as number[]).slice(1)).toEqual([1]);
      m.dispose();
    }
    const a = buildModel(tf, { seed: 3 });
    const b = buildModel(tf, { seed: 3 });
    const c = buildModel(tf, { seed: 4 });
    const wa = a.getLayer('conv2').getWeights()[0].dataSync();
    expect(Array.from(b.getLayer('conv2').getWeights()[0].dataSync())).toEqual(Array.from(wa));
    expect(Array.from(c.getLayer('conv2').getWeights()[0].dataSync())).not.toEqual(Array.from(wa));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects impossible configurations', () => {
    expect(() => buildModel(tf, { convFilters: [] })).toThrow(/conv blocks/);
    expect(() => buildModel(tf, { dropout: 1 })).toThrow(/dropout/);
  });
});
