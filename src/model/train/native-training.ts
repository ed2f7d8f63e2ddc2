/**
 * Fused native kernels for training on tfjs-node (the `tensorflow` backends).
 *
 * tfjs runs libtensorflow one eager op at a time, and parts of Table 1's training step are written
 * in tfjs as chains of small ops that Keras's compiled graph never runs:
 *
 * - the ReLU gradient, `dy · step(x)`, where tfjs-node's `step` is itself several kernels over the
 *   largest activation in the network;
 * - training-mode BatchNormalization: `moments` (Mean, Sub, Square, Mean), an inference
 *   FusedBatchNorm, then tfjs's composite gradient through all of them (Multiply, Sum, Add,
 *   RealDiv, Sub, Rsqrt…);
 * - Adam, about fourteen elementwise ops per weight (native-adam.ts);
 * - and one kernel that is slow rather than composite: Eigen's eager MaxPoolGrad
 *   (native-maxpool.ts).
 *
 * TensorFlow has one kernel for each, the very kernels Keras's graph runs: `ReluGrad`,
 * `FusedBatchNormV3` / `FusedBatchNormGradV3` in training mode (Ioffe & Szegedy 2015, Alg. 1 and
 * its backward pass), `ResourceApplyAdam`, and oneDNN's max pool with its workspace. This module
 * calls them through the tfjs-node backend's eager `executeOp`. Results agree with tfjs's own path
 * to float32 round-off (native-training.test.ts), including the moving mean and the biased moving
 * variance that tfjs-layers keeps.
 *
 * `setNativeTraining` switches all four; initBackend does so for the tensorflow backends unless
 * GALSPIN_NATIVE_KERNELS=off. Nothing here acts on backends without a libtensorflow binding
 * (wasm, cpu).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NativeBackend, OpAttr } from './native-backend.ts';
import { oneDnnMaxPoolGradient, probeOneDnnMaxPool } from './native-maxpool.ts';

type Tf = typeof tfjs;

/** The libtensorflow backend in use, or undefined on wasm/cpu. */
export function nativeBackend(tf: Tf): NativeBackend | undefined {
  const b = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof b.executeMultipleOutputs === 'function' && b.binding !== undefined
    ? (b as NativeBackend)
    : undefined;
}

function floatType(b: NativeBackend, name: string): OpAttr {
  return { name, type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT };
}

let active = false;
let tfjsReluGradient: tfjs.GradConfig | undefined;
let tfjsMaxPoolGradient: tfjs.GradConfig | undefined;

/** Whether {@link setNativeTraining} switched the native training kernels on. */
export function nativeTrainingActive(tf: Tf): boolean {
  return active && nativeBackend(tf) !== undefined;
}

export interface NativeTrainingOptions {
  /**
   * Use the oneDNN max-pool gradient (native-maxpool.ts) when this libtensorflow has it. Only on
   * the CPU backend: on tfjs-node-gpu those kernels would pull tensors back to the host.
   */
  oneDnn?: boolean;
}

/**
 * Switches the native training kernels on or off for the process: the Relu gradient
 * ({@link nativeReluGradient}), training-mode BatchNormalization ({@link fusedBatchNormTraining}),
 * the oneDNN MaxPool gradient where available (native-maxpool.ts) and, through `compileModel`,
 * Adam (native-adam.ts). Off restores tfjs's own code. Returns whether they are now active (never
 * on backends without libtensorflow).
 */
export function setNativeTraining(tf: Tf, on: boolean, opts: NativeTrainingOptions = {}): boolean {
  patchBatchNormalizationForNativeTraining(tf);
  tfjsReluGradient ??= tf.getGradient('Relu');
  tfjsMaxPoolGradient ??= tf.getGradient('MaxPool');
  const b = nativeBackend(tf);
  const want = on && b !== undefined;
  tf.registerGradient(want ? nativeReluGradient(tf) : tfjsReluGradient);
  tf.registerGradient(
    want && opts.oneDnn === true && probeOneDnnMaxPool(tf, b)
      ? oneDnnMaxPoolGradient(tf, b, tfjsMaxPoolGradient)
      : tfjsMaxPoolGradient,
  );
  active = want;
  return active;
}

/**
 * The Relu gradient as one `ReluGrad` kernel (same values as tfjs's `dy · step(x)`; the
 * subgradient at 0 is 0 in both). Falls back to tfjs's formula when the backend in use at
 * gradient time has no libtensorflow.
 */
function nativeReluGradient(tf: Tf): tfjs.GradConfig {
  return {
    kernelName: 'Relu',
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({
      x: () => {
        const b = nativeBackend(tf);
        const y = saved[0];
        const g = dy as tfjs.Tensor;
        if (b === undefined || g.dtype !== 'float32' || y.dtype !== 'float32')
          return tf.mul(g, tf.step(tf.cast(y, 'float32')));
        // ReluGrad(gradients, features) passes where features > 0; y = relu(x) > 0 exactly where x > 0.
        return b.executeSingleOutput('ReluGrad', [floatType(b, 'T')], [g, y]);
      },
    }),
  };
}

export interface BatchNormTraining {
  /** The normalised, scaled and shifted output; differentiable in x, gamma and beta. */
  y: tfjs.Tensor;
  /** Batch mean per channel. */
  mean: tfjs.Tensor1D;
  /** Biased batch variance per channel (Σ(x−μ)²/n, as tfjs-layers and Keras keep). */
  variance: tfjs.Tensor1D;
}

/**
 * Training-mode batch normalisation of an NHWC tensor over (N, H, W) in one FusedBatchNormV3 kernel,
 * with FusedBatchNormGradV3 as its gradient. `mean` and `variance` are kept (tf.keep) and are not
 * on the tape, as tfjs-layers's moving-average updates need no gradient.
 */
export function fusedBatchNormTraining(
  tf: Tf,
  b: NativeBackend,
  x: tfjs.Tensor4D,
  gamma: tfjs.Tensor1D,
  beta: tfjs.Tensor1D,
  epsilon: number,
): BatchNormTraining {
  const attrs: OpAttr[] = [
    floatType(b, 'T'),
    floatType(b, 'U'),
    { name: 'epsilon', type: b.binding.TF_ATTR_FLOAT, value: epsilon },
    { name: 'exponential_avg_factor', type: b.binding.TF_ATTR_FLOAT, value: 1 },
    { name: 'data_format', type: b.binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: b.binding.TF_ATTR_BOOL, value: true },
  ];
  const gradAttrs = attrs.filter((a) => a.name !== 'exponential_avg_factor');
  let mean: tfjs.Tensor1D | undefined;
  let variance: tfjs.Tensor1D | undefined;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, g, be, save] = args as [
      tfjs.Tensor4D,
      tfjs.Tensor1D,
      tfjs.Tensor1D,
      (ts: tfjs.Tensor[]) => void,
    ];
    const empty = tf.tensor1d([], 'float32');
    // Outputs: y, batch_mean, batch_variance (Bessel-corrected), then reserve spaces 1–3 that
    // the gradient kernel reads (1: mean, 2: the variance it normalised with).
    const [y, m, vUnbiased, r1, r2, r3] = b.executeMultipleOutputs(
      'FusedBatchNormV3',
      attrs,
      [xi, g, be, empty, empty],
      6,
    );
    const n = xi.size / xi.shape[3];
    mean = tf.keep(m) as tfjs.Tensor1D;
    variance = tf.keep(n > 1 ? tf.mul(vUnbiased, (n - 1) / n) : vUnbiased) as tfjs.Tensor1D;
    save([xi, g, r1, r2, r3]);
    return {
      value: y,
      gradFunc: (dy: tfjs.Tensor | tfjs.Tensor[], saved: tfjs.Tensor[]) => {
        const [sx, sg, s1, s2, s3] = saved;
        const [dx, dGamma, dBeta] = b.executeMultipleOutputs(
          'FusedBatchNormGradV3',
          gradAttrs,
          [dy as tfjs.Tensor, sx, sg, s1, s2, s3],
          5,
        );
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = (op as unknown as (...t: tfjs.Tensor[]) => tfjs.Tensor)(x, gamma, beta);
  if (mean === undefined || variance === undefined) throw new Error('FusedBatchNormV3 gave no statistics');
  return { y, mean, variance };
}

interface BatchNormLayerInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tfjs.Tensor };
  beta: { read(): tfjs.Tensor };
  movingMean: { read(): tfjs.Tensor; write(t: tfjs.Tensor): void };
  movingVariance: { read(): tfjs.Tensor; write(t: tfjs.Tensor): void };
}

const PATCHED = Symbol.for('galspin.nativeBatchNorm');

/**
 * Routes tfjs-layers BatchNormalization in training mode through {@link fusedBatchNormTraining}
 * while native training is on, the backend is libtensorflow, and the layer normalises the last
 * axis of a 4-D float32 input with both gamma and beta (Table 1 and every tuner variant). Anything
 * else, and inference, takes the original code. Idempotent.
 */
function patchBatchNormalizationForNativeTraining(tf: Tf): void {
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as Record<string | symbol, unknown>;
  if (proto[PATCHED]) return;
  const original = proto.call as (
    this: unknown,
    inputs: unknown,
    kwargs: Record<string, unknown>,
  ) => tfjs.Tensor;
  proto.call = function call(
    this: BatchNormLayerInternals,
    inputs: tfjs.Tensor | tfjs.Tensor[],
    kwargs: Record<string, unknown>,
  ): tfjs.Tensor {
    const b = nativeBackend(tf);
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const usable =
      active &&
      kwargs?.training === true &&
      b !== undefined &&
      (!Array.isArray(inputs) || inputs.length === 1) &&
      input.rank === 4 &&
      input.dtype === 'float32' &&
      (this.axis === -1 || this.axis === 3) &&
      this.center &&
      this.scale;
    if (!usable) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = fusedBatchNormTraining(
        tf,
        b,
        input as tfjs.Tensor4D,
        this.gamma.read() as tfjs.Tensor1D,
        this.beta.read() as tfjs.Tensor1D,
        this.epsilon,
      );
      const decay = 1 - this.momentum;
      for (const [variable, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), decay)));
        });
        value.dispose();
      }
      return y;
    });
  };
  proto[PATCHED] = true;
}
