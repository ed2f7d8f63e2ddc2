/**
 * The forward pass of an exported chain (./chain.ts) as ONNX nodes: the layout changes at the graph's
 * edges (the graph speaks tfjs's NHWC, the convolutions NCHW) and one node group per step.
 */
import type { ExportedChain, Step } from './chain.ts';
import type { OnnxGraph } from './graph.ts';

/** What the forward nodes left behind for the outputs and for the reverse pass. */
export interface Emitted {
  /** The input of step `from`. */
  start: string;
  from: number;
  logit: string;
  features?: string;
  /** Per step: the step's output ('' before `from`). */
  outputs: string[];
}

/** The graph input [N, H, W, C] as NCHW. */
export function toNchw(g: OnnxGraph, chain: ExportedChain, input: string): string {
  const [channels, height, width] = chain.input;
  // With one channel NHWC and NCHW share a memory layout: a Reshape is free, a Transpose copies.
  return channels === 1
    ? g.node('Reshape', [input, g.int64s('shape', [-1, 1, height, width])])
    : g.node('Transpose', [input], { perm: [0, 3, 1, 2] });
}

/** NCHW back to the graph's [N, H, W, C] layout, under the output name `name`. */
export function fromNchw(g: OnnxGraph, chain: ExportedChain, t: string, name: string): void {
  const [c, h, w] = chain.input;
  if (c === 1) g.node('Reshape', [t, g.int64s('shape', [-1, h, w, 1])], {}, [name]);
  else g.node('Transpose', [t], { perm: [0, 2, 3, 1] }, [name]);
  g.output(name, ['N', h, w, c]);
}

/**
 * Steps `from`… of the chain on `start` (the input of step `from`, NCHW), ending in the node that
 * names the `logit` [N]; the features are the input of the first Dropout when there is a head.
 */
export function emitSteps(g: OnnxGraph, chain: ExportedChain, start: string, from = 0): Emitted {
  let h = start;
  let features: string | undefined;
  const outputs: string[] = [];
  chain.steps.forEach((s, i) => {
    if (i < from) {
      outputs.push('');
      return;
    }
    if (i === chain.featureSteps && chain.head.length > 0) features = h;
    h = emitStep(g, s, h);
    outputs.push(h);
  });
  const logit = g.node('Reshape', [h, g.int64s('flat', [-1])], {}, ['logit']);
  return { start, from, logit, features, outputs };
}

/** One step on `h`; returns its output. */
function emitStep(g: OnnxGraph, s: Step, h: string): string {
  switch (s.kind) {
    case 'conv': {
      const y = g.node(
        'Conv',
        [h, g.floats('W', s.weight, [...s.dims]), g.floats('B', s.bias, [s.dims[0]])],
        {
          kernel_shape: [s.dims[2], s.dims[3]],
          pads: [s.pads[0], s.pads[1], s.pads[2], s.pads[3]],
          strides: [1, 1],
        },
      );
      return s.relu ? g.node('Relu', [y]) : y;
    }
    case 'pool':
      return g.node('MaxPool', [h], { kernel_shape: [s.size, s.size], strides: [s.size, s.size] });
    case 'affine': {
      const dims = s.rank === 4 ? [1, s.scale.length, 1, 1] : [1, s.scale.length];
      const scaled = g.node('Mul', [h, g.floats('scale', s.scale, dims)]);
      return g.node('Add', [scaled, g.floats('shift', s.shift, dims)]);
    }
    case 'flatten':
      return g.node('Flatten', [h], { axis: 1 });
    case 'dense': {
      const y = g.node('Gemm', [
        h,
        g.floats('W', s.weight, [s.inUnits, s.units]),
        g.floats('B', s.bias, [s.units]),
      ]);
      return s.relu ? g.node('Relu', [y]) : y;
    }
  }
}
