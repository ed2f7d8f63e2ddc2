/**
 * Small, seeded ingredients for testing and benchmarking attribution and uncertainty code:
 * toy velocity maps (a rotating disc vs a non-rotating field) and a reduced Table 1 network
 * (model-core's buildModel with fewer filters) that trains in seconds. Not used by the product path.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../src/model/explain/attribution-forward.ts';
import { buildModel, compileModel, type ModelConfig } from '../../src/model/train/network.ts';

/** mulberry32: a tiny seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export interface ToyMap {
  /** size × size, row-major, velocity / 100 km/s, 0 outside the valid region. */
  input: Float32Array;
  /** 1 inside the observed (valid) ellipse. */
  valid: Uint8Array;
  /** 1 where the disc rotates (inside `rotatingRadius`). */
  rotating: Uint8Array;
  label: 0 | 1;
}

export interface ToyMapOptions {
  size?: number;
  /** Rotating disc (label 1) or pressure-supported field (label 0). */
  rotating: boolean;
  /** Radius of the rotating part in pixels; beyond it (still valid) only noise. Defaults to the whole field. */
  rotatingRadius?: number;
  /** Radius of the valid field, pixels. */
  fieldRadius?: number;
}

/**
 * A toy stellar velocity map: v = V tanh(R/Rₜ) cos(φ − PA) sin i inside the rotating radius
 * (a thin rotating disc), plus Gaussian noise of 15 km/s everywhere valid; a systemic offset of
 * up to ±10 km/s. Units: 100 km/s.
 */
export function toyVelocityMap(rand: () => number, opts: ToyMapOptions): ToyMap {
  const size = opts.size ?? 40;
  const field = opts.fieldRadius ?? 12 + 6 * rand();
  const rotR = opts.rotatingRadius ?? field;
  const cx = (size - 1) / 2 + (rand() - 0.5) * 2;
  const cy = (size - 1) / 2 + (rand() - 0.5) * 2;
  const pa = rand() * 2 * Math.PI;
  const vmax = opts.rotating ? 120 + 130 * rand() : 0;
  const sinI = 0.5 + 0.5 * rand();
  const rt = 2 + 3 * rand();
  const systemic = (rand() - 0.5) * 20;
  const input = new Float32Array(size * size);
  const valid = new Uint8Array(size * size);
  const rotating = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const dx = c - cx;
      const dy = r - cy;
      const R = Math.hypot(dx, dy);
      if (R > field) continue;
      const i = r * size + c;
      valid[i] = 1;
      let v = systemic + 15 * gaussian(rand);
      if (opts.rotating && R <= rotR) {
        rotating[i] = 1;
        v += vmax * Math.tanh(R / rt) * Math.cos(Math.atan2(dy, dx) - pa) * sinI;
      }
      input[i] = v / 100;
    }
  }
  return { input, valid, rotating, label: opts.rotating ? 1 : 0 };
}

/** n toy maps, alternating rotating / non-rotating. */
export function toyDataset(n: number, seed: number, size = 40): ToyMap[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => toyVelocityMap(rand, { size, rotating: i % 2 === 0 }));
}

/** A reduced Table 1 network (Chegeni et al. 2025) from buildModel: conv 8-16, dense 16, dropout 0.4. */
export const TOY_CONFIG: Partial<ModelConfig> = {
  convFilters: [8, 16],
  denseUnits: [16],
  learningRate: 3e-3,
};

export function buildToyModel(tf: Tf, seed = 1, size = 40): tfjs.LayersModel {
  const config = { ...TOY_CONFIG, inputSize: size, seed };
  const model = buildModel(tf, config);
  compileModel(tf, model, config);
  return model;
}

/** Train a model on toy maps; returns the final training accuracy. Disposes what it creates. */
export async function trainOnToyMaps(
  tf: Tf,
  model: tfjs.LayersModel,
  maps: readonly ToyMap[],
  epochs = 8,
): Promise<number> {
  const size = Math.round(Math.sqrt(maps[0].input.length));
  const x = tf.tensor4d(Float32Array.from(maps.flatMap((m) => Array.from(m.input))), [
    maps.length,
    size,
    size,
    1,
  ]);
  const y = tf.tensor2d(
    maps.map((m) => m.label),
    [maps.length, 1],
  );
  try {
    const h = await model.fit(x, y, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
    const acc = h.history.acc ?? h.history.accuracy;
    return Number(acc[acc.length - 1]);
  } finally {
    x.dispose();
    y.dispose();
  }
}
