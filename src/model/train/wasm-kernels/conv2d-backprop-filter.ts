/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which ships Conv2D and Conv2DBackpropInput but not
 * the filter gradient, so `model.fit` throws on wasm without it.
 *
 * For stride 1 and dilation 1 in NHWC the filter gradient is itself a valid convolution:
 *   dW[kh, kw, ci, co] = Σ_{b,y,x} X[b, y+kh, x+kw, ci] · dY[b, y, x, co]
 * which is Conv2D(input = Xᵀ[ci, H, W, b], filter = dYᵀ[oh, ow, b, co]) → [ci, kh, kw, co], then a
 * transpose to [kh, kw, ci, co]. 'same' padding first pads X the way the forward pass did.
 * It is composed from the wasm backend's own PadV2, Transpose and Conv2D kernels, so everything stays
 * inside wasm memory.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../../errors.ts';

type TensorInfo = tfjs.TensorInfo;
interface KernelBackend {
  disposeData(dataId: object): void;
}

/** The filter gradient asks for something this construction does not cover. */
export class UnsupportedConvGradError extends GalspinError {
  override name = 'UnsupportedConvGradError';
}

/** Registers the kernel on the 'wasm' backend; a no-op when it is already registered. */
export function registerWasmConv2DBackpropFilter(tf: typeof tfjs): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const kernel = (name: string) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new UnsupportedConvGradError(`wasm backend lacks the ${name} kernel`);
    return k.kernelFunc as unknown as (args: {
      inputs: Record<string, TensorInfo>;
      backend: KernelBackend;
      attrs?: Record<string, unknown>;
    }) => TensorInfo;
  };
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dataFormat: string;
        dilations?: number | [number, number];
        filterShape: [number, number, number, number];
      };
      const pair = (v: number | [number, number] | undefined) =>
        v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v;
      const [sh, sw] = pair(a.strides);
      const [dh, dw] = pair(a.dilations);
      if (sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || a.dataFormat !== 'NHWC') {
        throw new UnsupportedConvGradError(
          `wasm Conv2DBackpropFilter supports stride 1, dilation 1, NHWC only (got strides ${sh},${sw}, dilations ${dh},${dw}, ${a.dataFormat})`,
        );
      }
      const be = backend as unknown as KernelBackend;
      const [fh, fw] = a.filterShape;
      const temps: TensorInfo[] = [];
      let input = x;
      if (a.pad === 'same' || typeof a.pad === 'number') {
        // TF 'same' for stride 1: total padding k-1, the extra pixel goes after.
        const ph =
          typeof a.pad === 'number' ? [a.pad, a.pad] : [Math.floor((fh - 1) / 2), Math.ceil((fh - 1) / 2)];
        const pw =
          typeof a.pad === 'number' ? [a.pad, a.pad] : [Math.floor((fw - 1) / 2), Math.ceil((fw - 1) / 2)];
        input = kernel('PadV2')({
          inputs: { x },
          backend: be,
          attrs: { paddings: [[0, 0], ph, pw, [0, 0]], constantValue: 0 },
        });
        temps.push(input);
      } else if (a.pad !== 'valid') {
        throw new UnsupportedConvGradError(`wasm Conv2DBackpropFilter: unsupported padding ${String(a.pad)}`);
      }
      const xT = kernel('Transpose')({ inputs: { x: input }, backend: be, attrs: { perm: [3, 1, 2, 0] } });
      const dyT = kernel('Transpose')({ inputs: { x: dy }, backend: be, attrs: { perm: [1, 2, 0, 3] } });
      temps.push(xT, dyT);
      const conv = kernel('Conv2D')({
        inputs: { x: xT, filter: dyT },
        backend: be,
        attrs: {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [1, 1],
          dimRoundingMode: undefined,
        },
      });
      temps.push(conv);
      const out = kernel('Transpose')({ inputs: { x: conv }, backend: be, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of temps) be.disposeData(t.dataId);
      return out;
    },
  });
}
