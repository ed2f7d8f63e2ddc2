/**
 * Exports a trained galspin CNN (a tfjs-layers chain: Conv2D, MaxPooling2D, BatchNormalization,
 * Flatten, Dense, Dropout, sigmoid tail) to ONNX graphs for the CPU serving engine:
 *
 * - **forward**: `velocity_map` [N, H, W, C] → `logit` [N] and `features` [N, F], the activation
 *   that enters the first Dropout. MC dropout then only re-runs the small dense head in plain
 *   arithmetic (./head.ts) instead of the whole network per pass.
 * - **gradient**: `velocity_map` → `logit` and `input_gradient` [N, H, W, C] = ∂logit/∂x, the
 *   reverse pass written out as ONNX ops (flipped-kernel Conv for Conv2D, window-max masks for
 *   MaxPool, ReLU masks, transposed Dense), so Integrated Gradients run on ONNX Runtime without a
 *   training runtime.
 * - **path gradient** (when the chain opens with Conv → ReLU → MaxPool): Σₖ wₖ ∂logit/∂x at αₖ·x
 *   per map, with the first block run once per map (see {@link pathGradientGraph}).
 *
 * Two stages: ./chain.ts reads the model into a plain chain of NCHW steps (BatchNormalization
 * folded, ./fold.ts), and the emitters write it as nodes (./emit-forward.ts, ./emit-backward.ts,
 * ./emit-path.ts) with ./graph.ts. This file only composes them into the graphs.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { type ExportedChain, extractChain } from './chain.ts';
import { emitBackward } from './emit-backward.ts';
import { emitSteps, fromNchw, toNchw } from './emit-forward.ts';
import { emitPathGradient } from './emit-path.ts';
import { OnnxGraph } from './graph.ts';

export { type ExportedChain, extractChain, type HeadLayer, OnnxExportError } from './chain.ts';

/** The forward graph: logit and (when the model has a Dropout head) the features. */
export function forwardGraph(chain: ExportedChain): OnnxGraph {
  const g = new OnnxGraph('galspin_forward');
  const [c, h, w] = chain.input;
  const x = g.input('velocity_map', ['N', h, w, c]);
  const f = emitSteps(g, chain, toNchw(g, chain, x));
  g.output('logit', ['N']);
  if (f.features) {
    g.node('Identity', [f.features], {}, ['features']);
    g.output('features', ['N', chain.featureUnits]);
  }
  return g;
}

/** The gradient graph: logit and ∂logit/∂velocity_map, the reverse pass written out in ONNX ops. */
export function gradientGraph(chain: ExportedChain): OnnxGraph {
  const g = new OnnxGraph('galspin_input_gradient');
  const [c, h, w] = chain.input;
  const x = g.input('velocity_map', ['N', h, w, c]);
  const f = emitSteps(g, chain, toNchw(g, chain, x));
  g.output('logit', ['N']);
  fromNchw(g, chain, emitBackward(g, chain, f), 'input_gradient');
  return g;
}

/**
 * The Integrated-Gradients path graph: for maps x [M, H, W, C], nodes α [S] (all ≥ 0) and weights
 * w [S], `path_gradient` [M, H, W, C] = Σₖ wₖ ∂F/∂x at αₖ·x, without ever running the first block
 * per node. When the chain opens with Conv → ReLU → MaxPool:
 *
 * - conv₁(αx) = α·c + b with c = W₁∗x, and for α > 0, maxpool(relu(α·c + b)) = relu(α·P + b) with
 *   P = maxpool(c): one convolution and one pool per map, then a multiply-add per node on the
 *   pooled grid;
 * - the window maxima of α·c + b sit where those of c do, so the MaxPool and ReLU masks of the first
 *   block are the argmax of c (per map) times [α·P + b > 0] (per node, pooled grid). The backward
 *   through the first block is linear after that mask, so the steps are summed on the pooled grid
 *   and scattered and convolved back once per map.
 *
 * Undefined when the chain does not open that way (the per-node gradient graph serves then).
 */
export function pathGradientGraph(chain: ExportedChain): OnnxGraph | undefined {
  const [conv1, pool1] = chain.steps;
  if (conv1?.kind !== 'conv' || !conv1.relu || pool1?.kind !== 'pool' || chain.steps.length < 3)
    return undefined;
  const g = new OnnxGraph('galspin_ig_path_gradient');
  const [c, h, w] = chain.input;
  const x = g.input('velocity_map', ['M', h, w, c]);
  const alpha = g.input('alpha', ['S']);
  const weight = g.input('weight', ['S']);
  const gradient = emitPathGradient(g, chain, { x, alpha, weight }, conv1, pool1);
  fromNchw(g, chain, gradient, 'path_gradient');
  return g;
}

/** The graphs, serialised, plus the chain (whose head runs MC dropout in ./head.ts). */
export function exportOnnx(model: tfjs.LayersModel): {
  forward: Uint8Array;
  gradient: Uint8Array;
  /** Absent when the chain does not open with Conv → ReLU → MaxPool. */
  pathGradient?: Uint8Array;
  chain: ExportedChain;
} {
  const chain = extractChain(model);
  return {
    forward: forwardGraph(chain).serialize(),
    gradient: gradientGraph(chain).serialize(),
    pathGradient: pathGradientGraph(chain)?.serialize(),
    chain,
  };
}
