/**
 * Training of the Table 1 CNN under two protocols.
 *
 * - `honest` (default): split BY GALAXY into train/validation/test (70/15/15, stratified, seeded)
 *   first; augment the training split only, with fresh random transforms each epoch and the minority
 *   class oversampled (7× cap, as the paper did for slow rotators); checkpointing, LR schedule and
 *   early stopping watch validation; the test split is returned untouched for the final evaluation.
 *   Oversampling slow rotators k-fold teaches the network odds k times too high for them; the
 *   logit is shifted back by log k after training (prior correction: King & Zeng 2001, Political
 *   Analysis 9, 137, Sect. 4.1; Saerens et al. 2002, Neural Computation 14, 21), so probabilities
 *   refer to the galaxies' own class mix, which validation and test keep.
 * - `paper`: the protocol of Chegeni et al. 2025's code — augment every labeled galaxy into a fixed
 *   pool (≈10× fast, ≈74× slow → 19,332 maps for their sample), THEN split the pool 70/15/15 at
 *   random, and let the "test" part drive checkpointing and early stopping. Rotated copies of one
 *   galaxy land on both sides, so its figures are inflated; it exists to reproduce them.
 */

import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import { deriveSeed, mulberry32 } from '../../maps/random.ts';
import { predictProbabilities, stackMaps } from '../serve/batched.ts';
import { augmentedEpoch, augmentMap, balancingOversample, PAPER_AUGMENTATION } from './augment.ts';
import { BestCheckpoint, EarlyStopping, type EpochRecord, ReduceLrOnPlateau } from './callbacks.ts';
import type { LabeledMaps } from './labelled-survey.ts';
import { buildModel, compileModel, type ModelConfig, resolveConfig, shiftLogit } from './network.ts';
import { type Split, shuffleInPlace, stratifiedSplit } from './split.ts';

export type Protocol = 'honest' | 'paper';

export interface TrainOptions {
  protocol: Protocol;
  epochs: number;
  batchSize: number;
  seed: number;
  model: Partial<ModelConfig>;
  /** Cap on minority oversampling (the paper: 7× slow rotators). */
  oversampleCap: number;
  augment: boolean;
  earlyStoppingPatience: number;
  reduceLr: { factor: number; patience: number; minLr: number };
  /** `paper` protocol: augmented copies per fast and per slow galaxy (paper: 9603/980, 9729/132). */
  paperCopies: { fast: number; slow: number };
  onEpoch?: (r: EpochRecord, info: { epochs: number; best: boolean }) => void;
  onBatch?: (done: number, total: number) => void;
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<Omit<TrainOptions, 'onEpoch' | 'onBatch'>> = Object.freeze({
  protocol: 'honest',
  epochs: 60,
  batchSize: 32,
  seed: 1,
  model: {},
  oversampleCap: 7,
  augment: true,
  earlyStoppingPatience: 15,
  reduceLr: { factor: 0.5, patience: 5, minLr: 1e-6 },
  paperCopies: { fast: 10, slow: 74 },
});

/** A set of maps with labels and the galaxy each came from. */
export interface MapSet {
  ids: string[];
  inputs: Float32Array[];
  labels: number[];
}

export interface TrainResult {
  model: tfjs.LayersModel;
  config: ModelConfig;
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Galaxy-level split indices into the dataset (honest); for `paper`, indices into the pool. */
  split: Split;
  validation: MapSet;
  /** Honest: galaxies nothing in training saw. Paper: the pool's "test" part that drove selection. */
  test: MapSet;
  trainSamplesPerEpoch: number;
  /** Distinct galaxies behind the training maps. */
  trainGalaxies: string[];
  /** log(slow copies / fast copies) added to the logit after training (0 without oversampling). */
  priorShift: number;
}

/** Optimiser steps before early stopping may end training (see the epoch loop). */
export const MIN_STEPS_BEFORE_EARLY_STOP = 300;

export class TrainingError extends GalspinError {
  override name = 'TrainingError';
}

function pick(d: LabeledMaps | MapSet, idx: readonly number[]): MapSet {
  return {
    ids: idx.map((i) => d.ids[i]),
    inputs: idx.map((i) => d.inputs[i]),
    labels: idx.map((i) => d.labels[i]),
  };
}

function bce(p: Float32Array, labels: readonly number[]): number {
  const eps = 1e-7;
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - eps, Math.max(eps, p[i]));
    s -= labels[i] * Math.log(q) + (1 - labels[i]) * Math.log(1 - q);
  }
  return s / Math.max(1, p.length);
}

function acc(p: Float32Array, labels: readonly number[]): number {
  let k = 0;
  for (let i = 0; i < p.length; i++) k += (p[i] >= 0.5 ? 1 : 0) === labels[i] ? 1 : 0;
  return k / Math.max(1, p.length);
}

function setLearningRate(model: tfjs.LayersModel, lr: number): void {
  // tfjs' Adam reads `learningRate` on every step.
  (model.optimizer as unknown as { learningRate: number }).learningRate = lr;
}

function snapshot(model: tfjs.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

function restore(tf: typeof tfjs, model: tfjs.LayersModel, weights: Float32Array[]): void {
  const current = model.getWeights();
  const tensors = weights.map((w, i) => tf.tensor(w, current[i].shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** The paper's fixed augmented pool: copies per galaxy by class; copy 0 is the original map. */
export function paperPool(
  d: LabeledMaps,
  size: number,
  seed: number,
  copies: { fast: number; slow: number },
): MapSet {
  const rng = mulberry32(deriveSeed(seed, 77));
  const pool: MapSet = { ids: [], inputs: [], labels: [] };
  d.inputs.forEach((x, i) => {
    const n = Math.max(1, d.labels[i] === 1 ? copies.fast : copies.slow);
    for (let k = 0; k < n; k++) {
      pool.ids.push(d.ids[i]);
      pool.inputs.push(k === 0 ? x : augmentMap(x, size, rng, PAPER_AUGMENTATION));
      pool.labels.push(d.labels[i]);
    }
  });
  return pool;
}

/** Random (not by-galaxy) 70/15/15 split of the pool, as the paper's train_test_split did. */
function randomSplit(n: number, seed: number): Split {
  const idx = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    mulberry32(deriveSeed(seed, 78)),
  );
  const a = Math.round(n * 0.7);
  const b = Math.round(n * 0.85);
  const sort = (x: number[]) => x.sort((p, q) => p - q);
  return { train: sort(idx.slice(0, a)), validation: sort(idx.slice(a, b)), test: sort(idx.slice(b)) };
}

export async function trainClassifier(
  tf: typeof tfjs,
  data: LabeledMaps,
  options: Partial<TrainOptions> = {},
): Promise<TrainResult> {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  // The input channels follow the data (1 velocity, 2 velocity + dispersion) unless the config names them.
  const side = o.model.inputSize ?? 40;
  const inferred = data.inputs.length > 0 ? data.inputs[0].length / (side * side) : 1;
  const config = resolveConfig({
    seed: o.seed,
    ...(Number.isInteger(inferred) && inferred >= 1 ? { inputChannels: inferred } : {}),
    ...o.model,
  });
  const size = config.inputSize;
  const per = size * size * config.inputChannels;
  if (data.inputs.some((x) => x.length !== per)) {
    throw new TrainingError(`every input must be ${size}×${size}×${config.inputChannels} (= ${per} values)`);
  }
  if (o.epochs < 1 || o.batchSize < 1) throw new TrainingError('epochs and batch size must be ≥ 1');
  let split: Split;
  let train: MapSet;
  let validation: MapSet;
  let test: MapSet;
  if (o.protocol === 'honest') {
    split = stratifiedSplit(data.labels, o.seed);
    train = pick(data, split.train);
    validation = pick(data, split.validation);
    test = pick(data, split.test);
  } else {
    const pool = paperPool(data, size, o.seed, o.paperCopies);
    split = randomSplit(pool.ids.length, o.seed);
    train = pick(pool, split.train);
    // The paper's code validates (and so selects) on its test split.
    test = pick(pool, split.test);
    validation = test;
  }
  if (train.inputs.length === 0 || validation.inputs.length === 0) {
    throw new TrainingError(`too few galaxies to split (${data.ids.length})`);
  }
  const oversample =
    o.protocol === 'honest' ? balancingOversample(train.labels, o.oversampleCap) : { 0: 1, 1: 1 };
  const model = buildModel(tf, config);
  compileModel(tf, model, config);
  const checkpoint = new BestCheckpoint();
  const plateau = new ReduceLrOnPlateau(o.reduceLr.factor, o.reduceLr.patience, o.reduceLr.minLr);
  const stopper = new EarlyStopping(o.earlyStoppingPatience);
  let bestWeights = snapshot(model);
  const history: EpochRecord[] = [];
  let lr = config.learningRate;
  let stoppedEarly = false;
  let trainSamplesPerEpoch = 0;
  let steps = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const rng = mulberry32(deriveSeed(o.seed, 1000 + epoch));
    const set =
      o.protocol === 'honest'
        ? augmentedEpoch(train.inputs, train.labels, size, rng, { oversample, augment: o.augment })
        : { inputs: train.inputs, labels: train.labels };
    const order = shuffleInPlace(
      Array.from({ length: set.inputs.length }, (_, i) => i),
      rng,
    );
    trainSamplesPerEpoch = order.length;
    const t0 = performance.now();
    let lossSum = 0;
    let accSum = 0;
    const nBatches = Math.ceil(order.length / o.batchSize);
    for (let b = 0; b < nBatches; b++) {
      const idx = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
      const x = stackMaps(
        tf,
        idx.map((i) => set.inputs[i]),
        size,
      );
      const y = tf.tensor2d(
        idx.map((i) => set.labels[i]),
        [idx.length, 1],
      );
      const out = (await model.trainOnBatch(x, y)) as number[];
      tf.dispose([x, y]);
      lossSum += out[0] * idx.length;
      accSum += out[1] * idx.length;
      o.onBatch?.(b + 1, nBatches);
    }
    const seconds = (performance.now() - t0) / 1000;
    const pv = predictProbabilities(tf, model, validation.inputs, size);
    const r: EpochRecord = {
      epoch,
      loss: lossSum / order.length,
      acc: accSum / order.length,
      valLoss: bce(pv, validation.labels),
      valAcc: acc(pv, validation.labels),
      lr,
      samplesPerSec: order.length / seconds,
      seconds,
    };
    history.push(r);
    const best = checkpoint.update(r);
    if (best) bestWeights = snapshot(model);
    o.onEpoch?.(r, { epochs: o.epochs, best });
    // BatchNorm's moving statistics (momentum 0.99) need a few hundred steps before inference-mode
    // validation means anything; on a small survey an epoch is only a few dozen steps, so early
    // stopping counts only after MIN_STEPS_BEFORE_EARLY_STOP.
    steps += nBatches;
    const stop = stopper.shouldStop(r.valLoss);
    if (stop && steps >= MIN_STEPS_BEFORE_EARLY_STOP) {
      stoppedEarly = epoch < o.epochs;
      break;
    }
    lr = plateau.next(r.valLoss, lr);
    setLearningRate(model, lr);
  }
  restore(tf, model, bestWeights);
  const priorShift = Math.log(oversample[0] / oversample[1]);
  if (priorShift !== 0) shiftLogit(tf, model, priorShift);
  return {
    model,
    config,
    history,
    bestEpoch: checkpoint.best?.epoch ?? history.length,
    stoppedEarly,
    split,
    validation,
    test,
    trainSamplesPerEpoch,
    trainGalaxies: [...new Set(train.ids)],
    priorShift,
  };
}
