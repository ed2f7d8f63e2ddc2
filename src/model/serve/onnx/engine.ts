/**
 * The ONNX Runtime serving engine: runs galspin's exported graphs (./export.ts) on the CPU for
 * logits, MC-dropout features, input gradients and IG path gradients. It is the fast path for
 * inference and Integrated Gradients on machines without a GPU; training and the GPU tasks stay on
 * TensorFlow.js, and `engine.test.ts` / `../../../pipeline/tf-classifier.test.ts` pin both engines to
 * the same numbers.
 *
 * onnxruntime-node is an optional dependency, imported on demand: when it is missing the caller
 * falls back to TensorFlow.js.
 */
import { availableParallelism } from 'node:os';
import type * as tfjs from '@tensorflow/tfjs';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { GalspinError } from '../../../errors.ts';
import type { GradientSource } from '../../explain/ig.ts';
import { mapSeed } from '../uncertainty.ts';
import { type ExportedChain, exportOnnx } from './export.ts';
import { headLogits } from './head.ts';

type Ort = typeof import('onnxruntime-node');

export class OnnxEngineError extends GalspinError {
  override name = 'OnnxEngineError';
}

export interface OnnxEngineOptions {
  /** Intra-op threads; default (or 0) one per available core. */
  threads?: number;
  /** Most maps per session run (memory bound). */
  chunk?: number;
}

let ortModule: Promise<Ort> | undefined;

/** Loads onnxruntime-node once; rejects with OnnxEngineError when it is not installed. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= (import('onnxruntime-node' as string) as Promise<Ort>).catch((err: unknown) => {
    ortModule = undefined;
    throw new OnnxEngineError(`onnxruntime-node is not available: ${(err as Error).message.split('\n')[0]}`);
  });
  return ortModule;
}

export class OnnxEngine implements GradientSource {
  private constructor(
    private readonly ort: Ort,
    private readonly forward: InferenceSession,
    /**
     * The per-node input-gradient graph, opened on first use: with the path graph present IG never
     * needs it, and an unused session would still cost start-up time.
     */
    private readonly gradientModel: { bytes: Uint8Array; options: InferenceSession.SessionOptions },
    /** The IG path graph; absent when the model does not open with Conv → ReLU → MaxPool. */
    private readonly path: InferenceSession | undefined,
    readonly chain: ExportedChain,
    private readonly chunk: number,
  ) {}

  /** Exports `model` and opens a session per graph. */
  static async fromModel(model: tfjs.LayersModel, opts: OnnxEngineOptions = {}): Promise<OnnxEngine> {
    const ort = await loadOrt();
    const { forward, gradient, pathGradient, chain } = exportOnnx(model);
    const options: InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      // ORT's own default (0) measured 2× slower here than one thread per available core.
      intraOpNumThreads: opts.threads || availableParallelism(),
      interOpNumThreads: 1,
    };
    const [f, p] = await Promise.all([
      ort.InferenceSession.create(forward, options),
      pathGradient ? ort.InferenceSession.create(pathGradient, options) : undefined,
    ]);
    const engine = new OnnxEngine(ort, f, { bytes: gradient, options }, p, chain, opts.chunk ?? 256);
    if (!p) engine.pathGradients = undefined;
    return engine;
  }

  get inputSize(): number {
    const [c, h, w] = this.chain.input;
    return c * h * w;
  }

  private tensor(stacked: Float32Array, start: number, count: number): OrtTensor {
    const [c, h, w] = this.chain.input;
    const size = c * h * w;
    return new this.ort.Tensor('float32', stacked.subarray(start * size, (start + count) * size), [
      count,
      h,
      w,
      c,
    ]);
  }

  /** Logits of `n` stacked maps (n × H × W × C). */
  async logits(stacked: Float32Array, n: number): Promise<Float32Array> {
    return (await this.forwardPass(stacked, n)).logits;
  }

  /** Logits of `n` stacked maps, and the head features when the model has Dropout. */
  async forwardPass(
    stacked: Float32Array,
    n: number,
  ): Promise<{ logits: Float32Array; features?: Float32Array }> {
    const logits = new Float32Array(n);
    const hasHead = this.chain.head.length > 0;
    const features = hasHead ? new Float32Array(n * this.chain.featureUnits) : undefined;
    for (let start = 0; start < n; start += this.chunk) {
      const count = Math.min(this.chunk, n - start);
      const out = await this.forward.run({ velocity_map: this.tensor(stacked, start, count) });
      logits.set(out.logit.data as Float32Array, start);
      if (features) features.set(out.features.data as Float32Array, start * this.chain.featureUnits);
      for (const t of Object.values(out)) t.dispose();
    }
    return { logits, features };
  }

  /**
   * MC-dropout logits, n × passes (map-major): the trunk once, the dense head per pass. Without a
   * Dropout head every pass is the deterministic logit. Each map's masks come from its own seed,
   * `mapSeed(map, seed)`, and its pass index, exactly as TensorFlow.js's `mcDropout` makes them
   * (../uncertainty.ts): a map gets the same passes wherever it sits in the batch.
   */
  async mcDropoutLogits(
    stacked: Float32Array,
    n: number,
    passes: number,
    seed: number,
    forward?: { logits: Float32Array; features?: Float32Array },
  ): Promise<Float32Array> {
    const { logits, features } = forward ?? (await this.forwardPass(stacked, n));
    if (!features) {
      const out = new Float32Array(n * passes);
      for (let m = 0; m < n; m++) out.fill(logits[m], m * passes, (m + 1) * passes);
      return out;
    }
    const size = this.inputSize;
    const units = this.chain.featureUnits;
    const out = new Float32Array(n * passes);
    for (let m = 0; m < n; m++) {
      const own = mapSeed(stacked.subarray(m * size, (m + 1) * size), seed);
      out.set(
        headLogits(this.chain.head, features.subarray(m * units, (m + 1) * units), 1, passes, own),
        m * passes,
      );
    }
    return out;
  }

  /** ∂logit/∂x for `n` stacked maps, same layout as the input. */
  async inputGradients(stacked: Float32Array, n: number): Promise<Float32Array> {
    const size = this.inputSize;
    const out = new Float32Array(n * size);
    for (let start = 0; start < n; start += this.chunk) {
      const count = Math.min(this.chunk, n - start);
      const result = await (await this.gradientSession()).run({
        velocity_map: this.tensor(stacked, start, count),
      });
      out.set(result.input_gradient.data as Float32Array, start * size);
      for (const t of Object.values(result)) t.dispose();
    }
    return out;
  }

  /**
   * Σₖ wₖ ∂logit/∂x at αₖ·x for each of `n` stacked maps, through the path graph (see
   * `pathGradientGraph`): the first block runs once per map, not once per node.
   */
  pathGradients?: GradientSource['pathGradients'] = async (stacked, n, nodes, weights, maxRows) => {
    const path = this.path as InferenceSession;
    const [c, h, w] = this.chain.input;
    const size = c * h * w;
    const out = new Float32Array(n * size);
    const alpha = new this.ort.Tensor('float32', nodes, [nodes.length]);
    const weight = new this.ort.Tensor('float32', weights, [weights.length]);
    const perCall = Math.max(1, Math.floor(maxRows / nodes.length));
    for (let start = 0; start < n; start += perCall) {
      const count = Math.min(perCall, n - start);
      const result = await path.run({ velocity_map: this.tensor(stacked, start, count), alpha, weight });
      out.set(result.path_gradient.data as Float32Array, start * size);
      for (const t of Object.values(result)) t.dispose();
    }
    return out;
  };

  private gradient?: Promise<InferenceSession>;

  private gradientSession(): Promise<InferenceSession> {
    this.gradient ??= this.ort.InferenceSession.create(this.gradientModel.bytes, this.gradientModel.options);
    return this.gradient;
  }

  async dispose(): Promise<void> {
    const gradient = await this.gradient?.catch(() => undefined);
    await Promise.all([this.forward.release(), gradient?.release(), this.path?.release()]);
  }
}
