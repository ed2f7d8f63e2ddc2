/**
 * The max-pool gradient through oneDNN on tfjs-node's CPU libtensorflow.
 *
 * TensorFlow's eager MaxPoolGrad is Eigen's generic kernel: it re-derives each window's argmax and
 * took 7–12 ms per batch-32 step on Table 1's first pool, the largest single cost of training after
 * the convolutions. Keras's graph never runs it: its graph rewrite swaps in oneDNN's pool, whose
 * forward pass leaves a workspace (the argmax) for the backward pass. The eager rewrite leaves
 * MaxPool alone because of that workspace, but the oneDNN kernels are in the library, registered
 * as `_MklNativeMaxPool` / `_MklNativeMaxPoolGrad` under the `MklNameChangeOp` kernel label.
 *
 * The gradient runs the forward kernel again for its workspace (a fraction of a millisecond; the
 * pool output is saved already) and then the backward kernel: together ~0.5 ms where MaxPoolGrad
 * took ~7.4 ms on [32, 38, 38, 64]. Gradients are identical to MaxPoolGrad's, ties included: each
 * window's gradient goes to its first maximal cell (tested in native-training.test.ts).
 *
 * Only where {@link probeOneDnnMaxPool} finds the kernels (x86 CPU builds of libtensorflow with
 * oneDNN); elsewhere, and for pools oneDNN's op does not describe (numeric padding, a rounding
 * mode), tfjs's own gradient runs.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NativeBackend, OpAttr } from './native-backend.ts';

type Tf = typeof tfjs;

function poolAttrs(
  b: NativeBackend,
  filter: [number, number],
  strides: [number, number],
  padding: string,
): OpAttr[] {
  const { binding } = b;
  return [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'ksize', type: binding.TF_ATTR_INT, value: [1, filter[0], filter[1], 1] },
    { name: 'strides', type: binding.TF_ATTR_INT, value: [1, strides[0], strides[1], 1] },
    { name: 'padding', type: binding.TF_ATTR_STRING, value: padding },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'workspace_enabled', type: binding.TF_ATTR_BOOL, value: true },
    // Selects the oneDNN kernel registered for this op name (TF's mkl_op_registry label).
    { name: '_kernel', type: binding.TF_ATTR_STRING, value: 'MklNameChangeOp' },
  ];
}

const probed = new WeakMap<NativeBackend, boolean>();

/**
 * Whether this libtensorflow has the oneDNN max-pool kernels and runs them correctly. Probed once
 * per backend: initBackend switches the kernels on each time it is called.
 */
export function probeOneDnnMaxPool(tf: Tf, b: NativeBackend): boolean {
  let ok = probed.get(b);
  if (ok === undefined) {
    ok = runProbe(tf, b);
    probed.set(b, ok);
  }
  return ok;
}

function runProbe(tf: Tf, b: NativeBackend): boolean {
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d([1, 5, 3, 5, 0, 2, 2, 2, 7, 7, 1, 0, 4, 6, 6, 3], [1, 4, 4, 1]);
      const attrs = poolAttrs(b, [2, 2], [2, 2], 'VALID');
      const [y, workspace] = b.executeMultipleOutputs('_MklNativeMaxPool', attrs, [x], 2);
      const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
      const dx = b.executeSingleOutput('_MklNativeMaxPoolGrad', attrs, [x, y, dy, workspace]);
      // Window maxima 5, 5, 7, 6; the 7 is tied (7, 7) and MaxPoolGrad routes it to the first.
      const want = [0, 10, 0, 20, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0, 40, 0];
      const got = Array.from(dx.dataSync());
      return got.length === want.length && got.every((v, i) => v === want[i]);
    });
  } catch {
    return false;
  }
}

/** A MaxPool gradient config that uses oneDNN for 2-D float32 pools with 'valid' or 'same' padding. */
export function oneDnnMaxPoolGradient(tf: Tf, b: NativeBackend, fallback: tfjs.GradConfig): tfjs.GradConfig {
  const pair = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);
  return {
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tfjs.MaxPoolAttrs;
      const [x, y] = saved as [tfjs.Tensor4D, tfjs.Tensor4D];
      const plain =
        // The backend this was registered for is still the one in use (not switched away by hand).
        tf.backend() === (b as unknown) &&
        (pad === 'valid' || pad === 'same') &&
        dimRoundingMode == null &&
        x.dtype === 'float32' &&
        (dy as tfjs.Tensor).dtype === 'float32';
      if (!plain) return fallback.gradFunc(dy, saved, attrs);
      const opAttrs = poolAttrs(b, pair(filterSize), pair(strides), pad.toUpperCase());
      return {
        x: () => {
          const [again, workspace] = b.executeMultipleOutputs('_MklNativeMaxPool', opAttrs, [x], 2);
          again.dispose();
          const dx = b.executeSingleOutput('_MklNativeMaxPoolGrad', opAttrs, [
            x,
            y,
            dy as tfjs.Tensor,
            workspace,
          ]);
          workspace.dispose();
          return dx;
        },
      };
    },
  };
}
