/**
 * The CNN of Chegeni et al. 2025 (Universe 11, 92), Table 1: three Conv2D(3×3, relu, valid) →
 * MaxPool(2) → BatchNorm blocks with 64/128/256 filters, Flatten, Dense 96 relu, Dropout 0.4,
 * Dense 32 relu, Dropout 0.4, Dense 1 → sigmoid; 595,873 parameters for a 40×40×1 input.
 * L2(1e-3) on the conv kernels, Adam(lr 2e-4, β1 0.9), binary cross-entropy — as in their code.
 *
 * The last Dense(1) is linear and named `logit`; a parameter-free `probability` layer applies the
 * sigmoid, so Integrated Gradients can differentiate the logit without sigmoid saturation.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import { nativeAdam } from './native-adam.ts';
import { nativeTrainingActive } from './native-training.ts';

export interface ModelConfig {
  /** Side of the square input map in pixels. */
  inputSize: number;
  /**
   * Input channels: 1 = the paper's velocity map; 2 = velocity and dispersion
   * (src/maps/model-input.ts). Table 1 with two channels has 576 more first-layer weights.
   */
  inputChannels: number;
  /** Filters per conv block; its length is the number of conv blocks (the tuner varies 1–4). */
  convFilters: number[];
  kernelSize: number;
  denseUnits: number[];
  dropout: number;
  /** L2 factor on conv kernels (Keras `l2(1e-3)`: adds factor·Σw² to the loss). */
  l2: number;
  learningRate: number;
  beta1: number;
  /** Seed for the weight initialisers and dropout masks. */
  seed: number;
}

export const TABLE1_CONFIG: Readonly<ModelConfig> = Object.freeze({
  inputSize: 40,
  inputChannels: 1,
  convFilters: [64, 128, 256],
  kernelSize: 3,
  denseUnits: [96, 32],
  dropout: 0.4,
  l2: 1e-3,
  learningRate: 2e-4,
  beta1: 0.9,
  seed: 1,
});

/** Table 1's parameter total (Chegeni et al. 2025). */
export const TABLE1_PARAMS = 595_873;

export class ModelConfigError extends GalspinError {
  override name = 'ModelConfigError';
}

export function resolveConfig(config: Partial<ModelConfig> = {}): ModelConfig {
  const c: ModelConfig = {
    ...TABLE1_CONFIG,
    ...config,
    convFilters: [...(config.convFilters ?? TABLE1_CONFIG.convFilters)],
    denseUnits: [...(config.denseUnits ?? TABLE1_CONFIG.denseUnits)],
  };
  if (c.convFilters.length < 1 || c.convFilters.length > 6)
    throw new ModelConfigError('convFilters: 1–6 conv blocks');
  if (c.convFilters.some((f) => !Number.isInteger(f) || f < 1))
    throw new ModelConfigError('convFilters: positive integers');
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ModelConfigError('dropout must be in [0, 1)');
  if (!(c.learningRate > 0)) throw new ModelConfigError('learningRate must be > 0');
  if (!Number.isInteger(c.inputSize) || c.inputSize < c.kernelSize)
    throw new ModelConfigError('inputSize too small');
  if (!Number.isInteger(c.inputChannels) || c.inputChannels < 1 || c.inputChannels > 4)
    throw new ModelConfigError('inputChannels: 1–4');
  return c;
}

/**
 * Builds (uncompiled) the Table 1 network, or a tuner variant. Blocks beyond what the spatial size
 * allows keep going: a conv on a map smaller than the kernel uses 'same' padding and pooling is
 * skipped below 2×2, so 4 blocks on 40×40 stay valid (Table 1's 3 blocks are unaffected).
 */
export function buildModel(tf: typeof tfjs, config: Partial<ModelConfig> = {}): tfjs.LayersModel {
  const c = resolveConfig(config);
  let seed = c.seed * 1000;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const input = tf.input({
    shape: [c.inputSize, c.inputSize, c.inputChannels],
    name: c.inputChannels === 1 ? 'velocity_map' : 'kinematic_maps',
  });
  let x: tfjs.SymbolicTensor = input;
  let size = c.inputSize;
  c.convFilters.forEach((filters, i) => {
    const padding = size >= c.kernelSize ? 'valid' : 'same';
    x = tf.layers
      .conv2d({
        filters,
        kernelSize: c.kernelSize,
        activation: 'relu',
        padding,
        kernelRegularizer: c.l2 > 0 ? tf.regularizers.l2({ l2: c.l2 }) : undefined,
        kernelInitializer: init(),
        name: `conv${i + 1}`,
      })
      .apply(x) as tfjs.SymbolicTensor;
    if (padding === 'valid') size = size - c.kernelSize + 1;
    if (size >= 2) {
      x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(x) as tfjs.SymbolicTensor;
      size = Math.floor(size / 2);
    }
    x = tf.layers.batchNormalization({ name: `bn${i + 1}` }).apply(x) as tfjs.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tfjs.SymbolicTensor;
  c.denseUnits.forEach((units, i) => {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: init(), name: `dense${i + 1}` })
      .apply(x) as tfjs.SymbolicTensor;
    x = tf.layers
      .dropout({ rate: c.dropout, seed: seed++, name: `dropout${i + 1}` })
      .apply(x) as tfjs.SymbolicTensor;
  });
  const logit = tf.layers
    .dense({ units: 1, kernelInitializer: init(), name: 'logit' })
    .apply(x) as tfjs.SymbolicTensor;
  const probability = tf.layers
    .activation({ activation: 'sigmoid', name: 'probability' })
    .apply(logit) as tfjs.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probability, name: 'galspin_cnn' });
}

/**
 * Adam + binary cross-entropy + accuracy, as in the paper's code. Adam is libtensorflow's fused
 * kernel while native training is on (native-adam.ts), else tfjs's; the two give the same update.
 * The model owns its optimiser, so `model.dispose()` frees the Adam moments too.
 */
export function compileModel(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  config: Partial<ModelConfig> = {},
): void {
  const c = resolveConfig(config);
  model.compile({
    optimizer: nativeTrainingActive(tf)
      ? nativeAdam(tf, c.learningRate, c.beta1)
      : tf.train.adam(c.learningRate, c.beta1),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  // tfjs-layers frees only optimisers it created from a name; this one was made for this model.
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/** A model sharing `model`'s weights whose output is the pre-sigmoid logit (for IG and calibration). */
export function logitModel(tf: typeof tfjs, model: tfjs.LayersModel): tfjs.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer('logit').output as tfjs.SymbolicTensor });
}

/**
 * Adds `shift` to the bias of the `logit` layer, so every logit moves by exactly `shift`. Used for
 * the prior correction after training on an oversampled class (see train.ts).
 */
export function shiftLogit(tf: typeof tfjs, model: tfjs.LayersModel, shift: number): void {
  const layer = model.getLayer('logit');
  const [kernel, bias] = layer.getWeights();
  const moved = tf.add(bias, shift);
  layer.setWeights([kernel, moved]);
  moved.dispose();
}
