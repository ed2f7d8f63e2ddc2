/**
 * The TensorFlow.js implementation of {@link Classifier}: the stored CNN, temperature-calibrated
 * probability (Guo et al. 2017), MC-dropout uncertainty on the same calibrated scale (Gal &
 * Ghahramani 2016; every pass σ(z_k / T), see ../model/uncertainty.ts) and Integrated Gradients of
 * the logit (Sundararajan et al. 2017), all batched over the maps in hand. A map's dropout masks
 * depend on the map alone, so its uncertainty does not depend on the batch it arrives in.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { type InputKind, inputKindOfChannels } from '../maps/model-input.ts';
import { sigmoid, temperatureOf } from '../model/evaluate/calibration.ts';
import { inputShapeOf, logitsOf, stackInputs } from '../model/explain/attribution-forward.ts';
import { integratedGradients, integratedGradientsWith } from '../model/explain/ig.ts';
import { type OnnxEngine, openServingEngine, type ServingEngineChoice } from '../model/serve/onnx/serving.ts';
import { type OodModel, oodOf, oodVerdict } from '../model/serve/ood.ts';
import {
  DEFAULT_MC_PASSES,
  DEFAULT_MC_SEED,
  mcDropout,
  mcDropoutFromLogits,
  type UncertaintyEstimate,
} from '../model/serve/uncertainty.ts';
import type { Classification, Classifier, ClassifierSource } from '../ports/classifier.ts';
import { classOf } from '../ports/classifier.ts';
import type { BlobModelRepository } from './model-repository.ts';

export interface TfClassifierOptions {
  /** Integrated-Gradients quadrature nodes per map. */
  igSteps: number;
  /** MC-dropout passes for the uncertainty; {@link DEFAULT_MC_PASSES} (as `galspin predict`) when absent. */
  mcPasses?: number;
  /** Base seed of the dropout masks (each map mixes in its own hash); {@link DEFAULT_MC_SEED} when absent. */
  mcSeed?: number;
  /** Most interpolated maps per gradient call. */
  chunk?: number;
  /** Class cuts on the calibrated P(fast); the paper's 0.95 / 0.05 when absent. */
  thresholds?: { fast: number; slow: number };
  /**
   * Who runs inference, MC dropout and IG: ONNX Runtime on the CPU (`onnx`), TensorFlow.js
   * (`tfjs`), or `auto` (ONNX Runtime unless the backend is the GPU or onnxruntime-node is
   * missing). Training always uses TensorFlow.js.
   */
  engine?: ServingEngineChoice;
  /** Where the one-line engine notice goes (default: nowhere). */
  log?: (line: string) => void;
}

export class TfClassifier implements Classifier {
  /** From the model's input channels: 1 velocity, 2 velocity + dispersion. */
  get inputKind(): InputKind {
    return inputKindOfChannels((this.model.inputs[0].shape[3] as number | null) ?? 1);
  }

  constructor(
    private readonly tf: typeof tfjs,
    private readonly model: tfjs.LayersModel,
    readonly modelVersion: string,
    readonly backend: string,
    private readonly temperature: number,
    private readonly opts: TfClassifierOptions,
    /** The CPU serving engine; absent when TensorFlow.js serves. */
    private readonly onnx?: OnnxEngine,
    /** The model's out-of-distribution model (metrics.json `ood`); absent for older models. */
    private readonly ood?: OodModel,
  ) {}

  async classify(inputs: readonly Float32Array[]) {
    const { tf, model, onnx } = this;
    const n = inputs.length;
    const chunk = this.opts.chunk ?? 128;
    const passes = Math.max(1, this.opts.mcPasses ?? DEFAULT_MC_PASSES);
    const seed = this.opts.mcSeed ?? DEFAULT_MC_SEED;
    const temperature = this.temperature;
    const timings: Record<string, number> = {};
    let t = performance.now();
    const { shape, size } = inputShapeOf(model);
    const stacked = stackInputs(inputs, size);
    let logits: Float32Array;
    let mc: UncertaintyEstimate[];
    if (onnx) {
      // The trunk runs once; MC dropout re-runs only the dense head (exact for Table 1's layout).
      const forward = await onnx.forwardPass(stacked, n);
      logits = forward.logits;
      timings.infer = performance.now() - t;
      t = performance.now();
      mc = mcDropoutFromLogits(
        await onnx.mcDropoutLogits(stacked, n, passes, seed, forward),
        n,
        passes,
        temperature,
      );
    } else {
      logits = await logitsOf(tf, model, stacked, n, chunk);
      timings.infer = performance.now() - t;
      t = performance.now();
      mc = await mcDropout(tf, model, inputs, { passes, seed, temperature, chunk: Math.max(chunk, 256) });
    }
    timings.uncertainty = performance.now() - t;

    t = performance.now();
    const ig = onnx
      ? await integratedGradientsWith(onnx, inputs, { steps: this.opts.igSteps, chunk })
      : await integratedGradients(tf, model, inputs, { steps: this.opts.igSteps, chunk });
    timings.ig = performance.now() - t;

    const results: Classification[] = inputs.map((input, i) => {
      const probability = sigmoid(logits[i] / temperature);
      // `size` above is values per map; the OOD features need the side of the square map.
      const ood = oodVerdict(this.ood, input, shape[0]);
      return {
        probability,
        logit: logits[i],
        // A map unlike the training data gets no confident class, whatever its probability.
        class: ood?.outOfDistribution ? 'uncertain' : classOf(probability, this.opts.thresholds),
        ood,
        uncertainty: { mean: Math.min(1, Math.max(0, mc[i].mean)), std: mc[i].std, passes: mc[i].passes },
        attribution: ig[i].attribution,
        completenessGap: ig[i].completenessGap,
      };
    });
    return { results, timings };
  }

  dispose(): void {
    this.model.dispose();
    void this.onnx?.dispose();
  }
}

/**
 * Classifiers from the bucket's model repository. The champion pointer is re-read at most every
 * `championTtlMs`, so a worker picks up a newly promoted model without restarting; the previous
 * model is disposed once the next one is loaded.
 */
export class RepositoryClassifierSource implements ClassifierSource {
  private cached?: { version: string; classifier: Promise<Classifier> };
  private spare?: { version: string; classifier: Promise<Classifier> };
  private championCache?: { version: string | undefined; at: number };

  constructor(
    private readonly tf: typeof tfjs,
    private readonly backendName: string,
    private readonly repo: BlobModelRepository,
    private readonly opts: TfClassifierOptions & { championTtlMs?: number },
  ) {}

  async champion(): Promise<string | undefined> {
    const ttl = this.opts.championTtlMs ?? 5000;
    if (this.championCache && performance.now() - this.championCache.at < ttl)
      return this.championCache.version;
    const version = (await this.repo.champion())?.version;
    this.championCache = { version, at: performance.now() };
    return version;
  }

  /** champion.json `fallback`, re-read with the champion. */
  async fallback(): Promise<string | undefined> {
    return (await this.repo.champion())?.fallback;
  }

  load(version: string): Promise<Classifier> {
    if (this.cached?.version === version) return this.cached.classifier;
    // The velocity-only fallback alternates with the champion within a batch: keep both loaded.
    if (this.spare?.version === version) {
      const hit = this.spare;
      this.spare = this.cached;
      this.cached = hit;
      return hit.classifier;
    }
    // The current model becomes the spare; the old spare is disposed once the new one is loaded.
    const previous = this.spare?.classifier;
    this.spare = this.cached;
    const classifier = (async () => {
      const [model, metrics] = await Promise.all([
        this.repo.loadModel(this.tf, version),
        this.repo.metrics(version),
      ]);
      const onnx = await openServingEngine(
        model,
        this.opts.engine ?? 'auto',
        this.backendName,
        this.opts.log,
      );
      const engineName = onnx ? 'onnxruntime' : this.backendName;
      return new TfClassifier(
        this.tf,
        model,
        version,
        engineName,
        temperatureOf(metrics),
        this.opts,
        onnx,
        oodOf(metrics),
      );
    })();
    this.cached = { version, classifier };
    classifier.then(
      () =>
        previous?.then(
          (p) => p.dispose(),
          () => {},
        ),
      () => {
        if (this.cached?.classifier === classifier) this.cached = undefined;
      },
    );
    return classifier;
  }

  /** Releases the loaded model and its serving engine (a worker that stops, a bench between runs). */
  async dispose(): Promise<void> {
    const cached = this.cached?.classifier;
    this.cached = undefined;
    if (cached) (await cached.catch(() => undefined))?.dispose();
  }
}
