/**
 * `npm run bench:model`: speed of the Table 1 model (Chegeni et al. 2025; random weights) on every
 * available TensorFlow.js backend, against Keras measured in the same run on the same machine.
 *
 *   inference  maps/s     model.predict over N maps (batch 256), after two warm-up batches
 *   training   samples/s  model.fit, batch 32: a warm-up epoch, then 5 timed epochs of 1024 samples;
 *                         the median epoch is reported, with the slowest and fastest (Keras's
 *                         per-epoch speed is bimodal on this machine, so one epoch is not enough)
 *   IG         maps/s     64 maps × 50 right-Riemann steps on the logit, chunks of 128, timed on
 *                         the second of two identical runs on every side (steady state; the
 *                         Keras peer's tf.function is traced by the first) (the same
 *                         work as the Keras peer), plus galspin's default (Gauss–Legendre 32, maps
 *                         above a 1 % completeness gap refined up to 256 steps)
 *
 * Each backend runs in its own child process (backends do not share a process cleanly). Keras runs
 * from a throwaway venv when one exists (GALSPIN_KERAS_PYTHON, default /tmp/galspin-keras-venv/bin/python;
 * create it with `python3 -m venv /tmp/galspin-keras-venv && /tmp/galspin-keras-venv/bin/pip install
 * tensorflow-cpu==2.21.0` from the local mirror). Goals: inference ≥ 1.5× Keras, training ≥ 1.0×,
 * IG time ≤ 1.0×.
 *
 *   npm run bench:model [-- --backends=onnx,tensorflow,tensorflow+tfjs-kernels,wasm,cpu] [--quick] [--no-keras] [--json]
 *   npm run bench:model -- --ig-sweep [--backend=tensorflow]   completeness gap vs rule and steps
 *
 * `tensorflow` trains with galspin's native kernels (native-training.ts: ReluGrad, FusedBatchNormV3,
 * oneDNN max-pool gradient, ResourceApplyAdam); `tensorflow+tfjs-kernels` is the same backend with
 * them off (GALSPIN_NATIVE_KERNELS=off), i.e. tfjs's own composite ops.
 * `onnx` is galspin's CPU serving engine (src/model/serve/onnx): the same weights exported to ONNX and run
 * on ONNX Runtime, with IG through its hand-written input-gradient graph. It serves; it does not train.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import {
  type GradientSource,
  integratedGradients,
  integratedGradientsWith,
  medianCompletenessGap,
  tfjsGradientSource,
} from '../src/model/explain/ig.ts';
import type { QuadratureRule } from '../src/model/explain/quadrature.ts';
import { buildModel, compileModel } from '../src/model/train/network.ts';

type BackendName = 'tensorflow' | 'wasm' | 'cpu';
/**
 * A backend (tensorflow with galspin's native training kernels), `tensorflow+tfjs-kernels` (the
 * same without them), or `onnx`: galspin's ONNX Runtime serving engine (inference and IG; training
 * stays on tfjs).
 */
type Variant = BackendName | 'tensorflow+tfjs-kernels' | 'onnx';

interface Sizes {
  inferMaps: number;
  inferBatch: number;
  trainSamples: number;
  trainBatch: number;
  /** Timed training epochs (after one warm-up epoch); the median is reported. */
  trainEpochs: number;
  igMaps: number;
  igSteps: number;
  igChunk: number;
}

/** Median epoch of `epochs` timed ones; `perEpoch` lists every epoch's samples/s. */
interface Training {
  samples: number;
  batch: number;
  seconds: number;
  samplesPerSec: number;
  perEpoch: number[];
}

interface ChildResult {
  backend: string;
  inference?: { maps: number; batch: number; seconds: number; mapsPerSec: number };
  training?: Training;
  ig?: { maps: number; steps: number; chunk: number; seconds: number; mapsPerSec: number; medianGap: number };
  igDefault?: {
    maps: number;
    steps: number;
    rule: string;
    seconds: number;
    mapsPerSec: number;
    medianGap: number;
  };
  error?: string;
}

interface KerasResult {
  tensorflow: string;
  keras: string;
  params: number;
  inference: { mapsPerSec: number; seconds: number; maps: number; batch: number };
  training: Training;
  ig: { mapsPerSec: number; seconds: number; maps: number; steps: number; medianGap: number };
}

function sizesFor(backend: BackendName, quick: boolean): Sizes {
  const s = quick ? 0.25 : 1;
  const base = { inferBatch: 256, trainBatch: 32, trainEpochs: quick ? 2 : 5, igSteps: 50, igChunk: 128 };
  switch (backend) {
    case 'tensorflow':
      return { ...base, inferMaps: 4096 * s, trainSamples: 1024 * s, igMaps: Math.max(16, 64 * s) };
    case 'wasm':
      return { ...base, inferMaps: 1024 * s, trainSamples: 128 * s, igMaps: Math.max(4, 16 * s) };
    case 'cpu':
      return { ...base, inferMaps: 32, inferBatch: 32, trainSamples: 0, igMaps: 0 };
  }
}

function randomNormal(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}

const now = () => performance.now() / 1000;

function medianEpoch(perEpoch: number[], samples: number, batch: number): Training {
  const sorted = [...perEpoch].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const samplesPerSec = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { samples, batch, seconds: samples / samplesPerSec, samplesPerSec, perEpoch };
}

/** Runs inside the child process: one backend, all three measurements. */
async function measure(variant: Variant, sizes: Sizes): Promise<ChildResult> {
  if (variant === 'onnx') return measureOnnx(sizes);
  const { initBackend } = await import('../src/model/backend.ts');
  const [backend, extra] = variant.split('+') as [BackendName, string | undefined];
  const { tf, name } = await initBackend(backend, { log: () => {}, nativeKernels: extra !== 'tfjs-kernels' });
  const result: ChildResult = { backend: extra ? `${name}+${extra}` : name };
  const model = buildModel(tf);
  compileModel(tf, model);

  {
    const x = tf.tensor4d(randomNormal(sizes.inferMaps * 1600, 1), [sizes.inferMaps, 40, 40, 1]);
    const warm = x.slice(0, Math.min(sizes.inferBatch * 2, sizes.inferMaps));
    tf.tidy(() => (model.predict(warm, { batchSize: sizes.inferBatch }) as tfjs.Tensor).dataSync());
    const t = now();
    const y = model.predict(x, { batchSize: sizes.inferBatch }) as tfjs.Tensor;
    await y.data();
    const seconds = now() - t;
    tf.dispose([x, warm, y]);
    result.inference = {
      maps: sizes.inferMaps,
      batch: sizes.inferBatch,
      seconds,
      mapsPerSec: sizes.inferMaps / seconds,
    };
  }

  if (sizes.trainSamples > 0) {
    const n = sizes.trainSamples;
    const x = tf.tensor4d(randomNormal(n * 1600, 2), [n, 40, 40, 1]);
    const y = tf.tensor2d(
      Array.from({ length: n }, (_, i) => i % 2),
      [n, 1],
    );
    const wx = x.slice(0, sizes.trainBatch * 4);
    const wy = y.slice(0, sizes.trainBatch * 4);
    await model.fit(wx, wy, { batchSize: sizes.trainBatch, epochs: 1, verbose: 0 });
    const perEpoch: number[] = [];
    for (let e = 0; e < sizes.trainEpochs; e++) {
      const t = now();
      await model.fit(x, y, { batchSize: sizes.trainBatch, epochs: 1, verbose: 0, shuffle: true });
      perEpoch.push(n / (now() - t));
    }
    tf.dispose([x, y, wx, wy]);
    result.training = medianEpoch(perEpoch, n, sizes.trainBatch);
  }

  if (sizes.igMaps > 0)
    Object.assign(result, await measureIg(tfjsGradientSource(tf, model, sizes.igChunk), sizes));
  return result;
}

/**
 * IG on `source`: the Keras peer's work (right Riemann, `igSteps` nodes, chunks of `igChunk`),
 * timed on the second of two identical runs, then galspin's default rule with refinement.
 */
async function measureIg(
  source: GradientSource,
  sizes: Sizes,
): Promise<Pick<ChildResult, 'ig' | 'igDefault'>> {
  const all = randomNormal(sizes.igMaps * 1600, 3);
  const maps = Array.from({ length: sizes.igMaps }, (_, i) => all.subarray(i * 1600, (i + 1) * 1600));
  const work = { steps: sizes.igSteps, rule: 'riemann' as const, chunk: sizes.igChunk };
  // Warm up on the measured work itself (every batch shape seen once), as the Keras peer does.
  await integratedGradientsWith(source, maps, work);
  let t = now();
  const r = await integratedGradientsWith(source, maps, work);
  let seconds = now() - t;
  const ig = {
    maps: sizes.igMaps,
    steps: sizes.igSteps,
    chunk: sizes.igChunk,
    seconds,
    mapsPerSec: sizes.igMaps / seconds,
    medianGap: medianCompletenessGap(r),
  };
  t = now();
  const d = await integratedGradientsWith(source, maps, { chunk: sizes.igChunk });
  seconds = now() - t;
  const igDefault = {
    maps: sizes.igMaps,
    steps: 32,
    rule: 'gauss-legendre',
    seconds,
    mapsPerSec: sizes.igMaps / seconds,
    medianGap: medianCompletenessGap(d),
  };
  return { ig, igDefault };
}

/** The ONNX Runtime engine on the same model and work as the tfjs children (no training). */
async function measureOnnx(sizes: Sizes): Promise<ChildResult> {
  const { initBackend } = await import('../src/model/backend.ts');
  const { OnnxEngine } = await import('../src/model/serve/onnx/engine.ts');
  // A serving process never trains, and tfjs-node's thread pools stay busy for a while after a fit
  // in the same process (they cost ONNX Runtime ~10 % here), so the weights are built on the pure-JS
  // backend and not trained. Fresh weights have zero biases and identity BatchNormalization, which
  // makes the network positively homogeneous (F(αx) = αF(x)) and IG exact at any step count; seeded
  // random biases and BatchNormalization statistics, as a trained network has, avoid that.
  const { tf } = await initBackend('cpu', { log: () => {} });
  const model = buildModel(tf);
  let seed = 100;
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    if (layer.getClassName() === 'BatchNormalization') {
      const [gamma, beta, mean, variance] = weights;
      layer.setWeights([
        tf.randomUniform(gamma.shape, 0.8, 1.2, 'float32', seed++),
        tf.randomNormal(beta.shape, 0, 0.1, 'float32', seed++),
        tf.randomNormal(mean.shape, 0, 0.1, 'float32', seed++),
        tf.randomUniform(variance.shape, 0.5, 1.5, 'float32', seed++),
      ]);
    } else if (weights.length === 2) {
      layer.setWeights([weights[0], tf.randomNormal(weights[1].shape, 0, 0.05, 'float32', seed++)]);
    }
  }
  const engine = await OnnxEngine.fromModel(model, { chunk: sizes.inferBatch });
  const result: ChildResult = { backend: 'onnxruntime' };
  {
    const n = sizes.inferMaps;
    const x = randomNormal(n * 1600, 1);
    await engine.logits(x.subarray(0, sizes.inferBatch * 2 * 1600), sizes.inferBatch * 2);
    const t = now();
    await engine.logits(x, n);
    const seconds = now() - t;
    result.inference = { maps: n, batch: sizes.inferBatch, seconds, mapsPerSec: n / seconds };
  }
  Object.assign(result, await measureIg(engine, sizes));
  await engine.dispose();
  return result;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function lastJson<T>(stdout: string): T | undefined {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  return line ? (JSON.parse(line) as T) : undefined;
}

async function runChild(backend: Variant, quick: boolean): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const r = await run(process.execPath, [
    ...process.execArgv,
    self,
    '--child',
    backend,
    ...(quick ? ['--quick'] : []),
  ]);
  const parsed = lastJson<ChildResult>(r.stdout);
  if (parsed) return parsed;
  const why = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
  return { backend, error: why.slice(0, 200) };
}

async function runKeras(quick: boolean): Promise<KerasResult | { error: string }> {
  const python = process.env.GALSPIN_KERAS_PYTHON ?? '/tmp/galspin-keras-venv/bin/python';
  if (!existsSync(python)) return { error: `no Keras venv at ${python} (see the header of this file)` };
  const script = fileURLToPath(new URL('./keras/bench_model.py', import.meta.url));
  const s = quick ? 0.25 : 1;
  const r = await run(python, [
    script,
    `--infer-maps=${4096 * s}`,
    `--train-samples=${1024 * s}`,
    `--train-epochs=${quick ? 2 : 5}`,
    `--ig-maps=${Math.max(16, 64 * s)}`,
  ]);
  const parsed = lastJson<KerasResult>(r.stdout);
  if (parsed) return parsed;
  return { error: (r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`).slice(0, 200) };
}

const fmt = (v: number | undefined, d = 1) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** What bounds each figure, written from the measurements in the report of this bench. */
const LIMITS_NOTE = `What limits each figure (same 2-core AVX-512 machine, 2026-11-25, idle; see README "Performance").
  inference: galspin serves with ONNX Runtime (row "onnxruntime"): BatchNormalization folded into the
             convolutions, blocked-layout (NCHWc) kernels; 84 % of its time is Conv, 14 % MaxPool, at
             ~80 % of the CPU's FP32 peak (65.6 MFLOP per map). More would need fewer FLOPs
             (Winograd, lower precision), not a faster runtime. tfjs-layers itself runs eagerly, one
             libtensorflow op at a time, each oneDNN op reordering its layout in and out.
  training:  TensorFlow.js trains (ONNX Runtime for Node has no training API), eagerly, one
             libtensorflow op at a time. galspin replaces tfjs's composite ops with the kernels
             Keras's graph runs (native-training.ts): ReluGrad, FusedBatchNormV3/GradV3,
             ResourceApplyAdam, and oneDNN's max pool with its workspace (Eigen's eager MaxPoolGrad
             alone was ~12 ms of a ~70 ms step). What is left of a batch-32 step (~52 ms): the
             convolutions and their two gradients ~25 ms (oneDNN, near the FP32 peak), ~300 other
             libtensorflow ops ~24 ms, tfjs-layers' JavaScript ~9 ms. At batch 1 a step still costs
             ~23 ms: that fixed per-op cost is what a compiled graph saves Keras.
  IG:        ONNX Runtime runs a hand-written path graph: the first block once per map (its conv is
             linear in α, its pool's argmax fixed), then per node blocks 2-3 forward and back
             (flipped-kernel convolutions, window-max and ReLU masks, and the layout reorders those
             masks force). galspin's default (Gauss-Legendre 32 + refinement of maps above a
             1 % gap up to 256 steps) buys accuracy: median gap < 1 % vs several % for Keras's
             50-step Riemann sum, so "IG default" is not the same work as the Keras column.`;

/**
 * `--ig-sweep`: trains the Table 1 model briefly on model-core's synthetic maps and prints the median
 * completeness gap of IG on validation maps for each rule and step count (how IG_DEFAULTS was chosen).
 */
async function igSweep(backendPref: string): Promise<void> {
  const { initBackend } = await import('../src/model/backend.ts');
  const { syntheticDataset } = await import('../test/support/synthetic-maps.ts');
  const { trainClassifier } = await import('../src/model/train/train.ts');
  const { tf, name } = await initBackend(backendPref, { log: () => {} });
  const data = syntheticDataset(400, 11, 0.3);
  const t0 = now();
  const trained = await trainClassifier(tf, data, { epochs: 3, batchSize: 64, seed: 11 });
  const best = trained.history[trained.bestEpoch - 1];
  console.log(
    `IG sweep on ${name}: Table 1 trained ${trained.history.length} epochs in ${(now() - t0).toFixed(0)} s (val acc ${best.valAcc.toFixed(3)})`,
  );
  const maps = trained.validation.inputs.slice(0, 16);
  console.log(`median completeness gap over ${maps.length} validation maps (logit target, zero baseline):`);
  console.log(
    `${'steps'.padStart(6)} ${'riemann'.padStart(10)} ${'trapezoid'.padStart(10)} ${'gauss-leg'.padStart(10)}`,
  );
  for (const steps of [8, 16, 32, 64, 128]) {
    const cells: string[] = [];
    for (const rule of ['riemann', 'trapezoid', 'gauss-legendre'] as QuadratureRule[]) {
      const r = await integratedGradients(tf, trained.model, maps, { steps, rule });
      cells.push(`${(medianCompletenessGap(r) * 100).toFixed(3)}%`.padStart(10));
    }
    console.log(`${String(steps).padStart(6)} ${cells.join(' ')}`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  if (argv.includes('--ig-sweep')) {
    await igSweep(argv.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'auto');
    return;
  }
  const childAt = argv.indexOf('--child');
  if (childAt >= 0) {
    const backend = argv[childAt + 1] as Variant;
    const base = (backend === 'onnx' ? 'tensorflow' : backend.split('+')[0]) as BackendName;
    const result = await measure(backend, sizesFor(base, quick)).catch((err: unknown) => ({
      backend,
      error: err instanceof Error ? err.message.split('\n')[0] : String(err),
    }));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  const backendsArg = argv.find((a) => a.startsWith('--backends='))?.split('=')[1];
  const backends = (backendsArg?.split(',') ?? [
    'onnx',
    'tensorflow',
    'tensorflow+tfjs-kernels',
    'wasm',
    'cpu',
  ]) as Variant[];
  const results: ChildResult[] = [];
  for (const b of backends) {
    process.stderr.write(`bench:model: ${b}…\n`);
    results.push(await runChild(b, quick));
  }
  let keras: KerasResult | { error: string } = { error: 'skipped (--no-keras)' };
  if (!argv.includes('--no-keras')) {
    process.stderr.write('bench:model: keras…\n');
    keras = await runKeras(quick);
  }
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ results, keras }, null, 2)}\n`);
    return;
  }
  const k = 'inference' in keras ? keras : undefined;
  console.log('Table 1 model (595,873 params), random weights; 40×40×1 maps');
  console.log(
    `${'backend'.padEnd(12)} ${'infer maps/s'.padStart(13)} ${'train samp/s'.padStart(13)} ${'IG maps/s (R50)'.padStart(16)} ${'IG s/64maps'.padStart(12)} ${'IG default maps/s'.padStart(18)}  gap(R50/default)`,
  );
  const row = (r: ChildResult) => {
    if (r.error) return `${r.backend.padEnd(12)} unavailable: ${r.error}`;
    const igPer64 = r.ig ? (r.ig.seconds / r.ig.maps) * 64 : undefined;
    return `${r.backend.padEnd(12)} ${fmt(r.inference?.mapsPerSec).padStart(13)} ${fmt(r.training?.samplesPerSec).padStart(13)} ${fmt(r.ig?.mapsPerSec, 2).padStart(16)} ${fmt(igPer64, 2).padStart(12)} ${fmt(r.igDefault?.mapsPerSec, 2).padStart(18)}  ${fmt((r.ig?.medianGap ?? Number.NaN) * 100, 2)}% / ${fmt((r.igDefault?.medianGap ?? Number.NaN) * 100, 2)}%`;
  };
  for (const r of results) console.log(row(r));
  if (k) {
    const igPer64 = (k.ig.seconds / k.ig.maps) * 64;
    console.log(
      `${`keras ${k.keras}`.padEnd(12)} ${fmt(k.inference.mapsPerSec).padStart(13)} ${fmt(k.training.samplesPerSec).padStart(13)} ${fmt(k.ig.mapsPerSec, 2).padStart(16)} ${fmt(igPer64, 2).padStart(12)} ${'—'.padStart(18)}  ${fmt(k.ig.medianGap * 100, 2)}%`,
    );
  }
  console.log('\nTraining, samples/s of each timed epoch (the table shows the median):');
  for (const r of [...results, ...(k ? [{ backend: `keras ${k.keras}`, training: k.training }] : [])]) {
    if (r.training?.perEpoch)
      console.log(`  ${r.backend.padEnd(24)} ${r.training.perEpoch.map((v) => fmt(v, 0)).join(' ')}`);
  }
  if (k) {
    console.log('\nRatios against Keras (goal: inference ≥ 1.5×, training ≥ 1.0×, IG time ≤ 1.0×):');
    for (const r of results) {
      if (r.error || !r.inference) continue;
      const inf = r.inference.mapsPerSec / k.inference.mapsPerSec;
      const tr = r.training ? r.training.samplesPerSec / k.training.samplesPerSec : undefined;
      const igTime = r.ig ? r.ig.seconds / r.ig.maps / (k.ig.seconds / k.ig.maps) : Number.NaN;
      const igDefault = r.igDefault
        ? r.igDefault.seconds / r.igDefault.maps / (k.ig.seconds / k.ig.maps)
        : Number.NaN;
      const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
      console.log(
        `  ${r.backend.padEnd(11)} inference ${fmt(inf, 2)}× (${mark(inf >= 1.5)}), training ${tr === undefined ? (r.backend === 'onnxruntime' ? 'n/a (TensorFlow.js trains)' : 'not measured') : `${fmt(tr, 2)}× (${mark(tr >= 1)})`}, IG time same work ${fmt(igTime, 2)}× (${mark(igTime <= 1)}), IG default (GL32+refine) vs Keras R50 ${fmt(igDefault, 2)}×`,
      );
    }
  } else {
    console.log(`\nkeras: ${'error' in keras ? keras.error : 'unavailable'}`);
  }
  console.log(`\n${LIMITS_NOTE}`);
}

await main();
