/**
 * Batched inference over many maps, the one loop every stage uses: training's validation pass,
 * evaluation, calibration and `galspin predict`. Inference mode throughout (dropout off, BatchNorm
 * moving statistics); maps go through in batches so memory stays bounded for any survey size.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import { logitModel } from '../train/network.ts';

export class MapShapeError extends GalspinError {
  override name = 'MapShapeError';
}

/** Stacks HWC maps into an [n, size, size, C] tensor; C = values per map / size². */
export function stackMaps(tf: typeof tfjs, inputs: readonly Float32Array[], size: number): tfjs.Tensor4D {
  const per = inputs[0]?.length ?? size * size;
  const channels = per / (size * size);
  if (!Number.isInteger(channels) || inputs.some((x) => x.length !== per))
    throw new MapShapeError(`maps must all hold ${size}×${size}×C values`);
  const buf = new Float32Array(inputs.length * per);
  for (let i = 0; i < inputs.length; i++) buf.set(inputs[i], i * per);
  return tf.tensor4d(buf, [inputs.length, size, size, channels]);
}

/** One scalar output of `net` per map, in batches of `batch` maps. */
function predictBatched(
  tf: typeof tfjs,
  net: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  size: number,
  batch = 256,
): Float32Array {
  const out = new Float32Array(inputs.length);
  for (let s = 0; s < inputs.length; s += batch) {
    const part = inputs.slice(s, s + batch);
    const y = tf.tidy(() => (net.predict(stackMaps(tf, part, size)) as tfjs.Tensor).reshape([part.length]));
    out.set(y.dataSync() as Float32Array, s);
    y.dispose();
  }
  return out;
}

/** Pre-sigmoid logits for each map. */
export function predictLogits(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  size: number,
  batch = 256,
): Float32Array {
  return predictBatched(tf, logitModel(tf, model), inputs, size, batch);
}

/** P(fast) for each map: the network's own sigmoid output (uncalibrated). */
export function predictProbabilities(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  size: number,
  batch = 256,
): Float32Array {
  return predictBatched(tf, model, inputs, size, batch);
}
