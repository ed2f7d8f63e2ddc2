/**
 * The Integrated-Gradients path gradient of a chain that opens with Conv → ReLU → MaxPool as ONNX
 * nodes, with the first block run once per map instead of once per node (the derivation is on
 * `pathGradientGraph` in ./export.ts).
 */
import type { ConvStep, ExportedChain, PoolStep } from './chain.ts';
import { convInputGradient, emitBackward, scatterToMax, zeroOf } from './emit-backward.ts';
import { emitSteps, toNchw } from './emit-forward.ts';
import type { OnnxGraph } from './graph.ts';

/** The graph inputs the path gradient reads: maps x [M, H, W, C], nodes α [S], weights w [S]. */
interface PathInputs {
  x: string;
  alpha: string;
  weight: string;
}

/**
 * Σₖ wₖ ∂logit/∂x at αₖ·x per map, NCHW [M, C, H, W]; `conv1` and `pool1` are the chain's first two
 * steps.
 */
export function emitPathGradient(
  g: OnnxGraph,
  chain: ExportedChain,
  inputs: PathInputs,
  conv1: ConvStep,
  pool1: PoolStep,
): string {
  const { cLinear, P, preactivation } = firstBlock(g, chain, inputs, conv1, pool1);
  const f = emitSteps(g, chain, g.node('Relu', [preactivation]), 2);
  const gradPooled = g.node('Mul', [
    emitBackward(g, chain, f),
    g.node('Cast', [g.node('Greater', [preactivation, zeroOf(g)])], { to: 1 }),
  ]);
  const summed = weightedSum(g, gradPooled, inputs, pool1.out);
  const [scattered, missing] = scatterToMax(g, summed, cLinear, P, pool1);
  return convInputGradient(g, scattered, conv1, missing);
}

/**
 * The first block once per map: c = W₁∗x without bias (`cLinear`), P = maxpool(c), and rows
 * m·S + k of α_k·P_m + b, the block's pre-activation per node on the pooled grid.
 */
function firstBlock(
  g: OnnxGraph,
  chain: ExportedChain,
  { x, alpha }: PathInputs,
  conv1: ConvStep,
  pool1: PoolStep,
): { cLinear: string; P: string; preactivation: string } {
  const [c1, h1, w1] = pool1.out;
  const cLinear = g.node('Conv', [toNchw(g, chain, x), g.floats('W', conv1.weight, [...conv1.dims])], {
    kernel_shape: [conv1.dims[2], conv1.dims[3]],
    pads: [...conv1.pads],
    strides: [1, 1],
  });
  const P = g.node('MaxPool', [cLinear], {
    kernel_shape: [pool1.size, pool1.size],
    strides: [pool1.size, pool1.size],
  });
  const scaled = g.node('Mul', [
    g.node('Reshape', [P, g.int64s('shape', [-1, 1, c1, h1, w1])]),
    g.node('Reshape', [alpha, g.int64s('shape', [1, -1, 1, 1, 1])]),
  ]);
  const preactivation = g.node('Add', [
    g.node('Reshape', [scaled, g.int64s('shape', [-1, c1, h1, w1])]),
    g.floats('B', conv1.bias, [1, c1, 1, 1]),
  ]);
  return { cLinear, P, preactivation };
}

/** Σₖ wₖ · grad[m·S + k] per map, on the pooled grid [M, c1, h1, w1]. */
function weightedSum(
  g: OnnxGraph,
  grad: string,
  { alpha, weight }: PathInputs,
  [c1, h1, w1]: [number, number, number],
): string {
  const perMap = g.node(
    'Concat',
    [g.int64s('m', [-1]), g.node('Shape', [alpha]), g.int64s('f', [c1 * h1 * w1])],
    {
      axis: 0,
    },
  );
  const summed = g.node(
    'ReduceSum',
    [
      g.node('Mul', [
        g.node('Reshape', [grad, perMap]),
        g.node('Reshape', [weight, g.int64s('shape', [1, -1, 1])]),
      ]),
      g.int64s('axes', [1]),
    ],
    { keepdims: 0 },
  );
  return g.node('Reshape', [summed, g.int64s('shape', [-1, c1, h1, w1])]);
}
