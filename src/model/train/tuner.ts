/**
 * Hyperparameter search in the spirit of Keras Tuner (O'Malley et al. 2019), which Chegeni et al.
 * 2025 used to pick Table 1: 1–4 conv blocks, 32–256 filters per block in steps of 32, learning rate
 * ∈ {1e-2, 1e-3, 1e-4}.
 *
 * - `random`: `maxTrials` configurations drawn uniformly from the space, each trained for `epochs`.
 * - `hyperband` (Li et al. 2018, JMLR 18, 185): brackets of successive halving; a bracket starts
 *   n configurations at r epochs and keeps the best 1/η for η× more epochs, up to `epochs`.
 *   Survivors are retrained from scratch with the same seed (trainClassifier has no resume), so
 *   their first epochs repeat; the budget accounting counts every epoch actually run.
 *
 * Selection uses the VALIDATION split only (best validation accuracy over a trial's epochs, ties by
 * lower validation loss). Every trial trains through model-core's `trainClassifier` with the honest
 * protocol and the same split seed, so the split is identical across trials and the test split is
 * never read here. The wall-clock budget is checked before each trial starts.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import { mulberry32 } from '../../maps/random.ts';
import type { LabeledMaps } from './labelled-survey.ts';
import type { ModelConfig } from './network.ts';
import { type TrainOptions, trainClassifier } from './train.ts';

export interface SearchSpace {
  convLayers: { min: number; max: number };
  filters: { min: number; max: number; step: number };
  learningRates: number[];
}

/** The paper's Keras Tuner space. */
export const PAPER_SPACE: Readonly<SearchSpace> = Object.freeze({
  convLayers: { min: 1, max: 4 },
  filters: { min: 32, max: 256, step: 32 },
  learningRates: [1e-2, 1e-3, 1e-4],
});

export interface TrialConfig {
  convFilters: number[];
  learningRate: number;
}

export type TunerStrategy = 'random' | 'hyperband';

export interface TunerOptions {
  strategy: TunerStrategy;
  /** Most trials (training runs) in all. */
  maxTrials: number;
  /** Wall-clock budget; no trial starts after it is spent. */
  maxMinutes: number;
  /** Epochs of a full trial (random search), or the most any Hyperband trial gets. */
  epochs: number;
  /** Hyperband reduction factor. */
  eta: number;
  seed: number;
  space: SearchSpace;
  /** Fixed parts of the model config (inputSize, dense units, dropout, …). */
  model: Partial<ModelConfig>;
  /** Passed through to trainClassifier (batch size, augmentation, patience…). */
  train: Partial<Omit<TrainOptions, 'model' | 'epochs' | 'seed' | 'protocol'>>;
  onTrial?: (t: TrialResult, done: number) => void;
  /** Injected clock (ms) for tests. */
  now?: () => number;
}

export const DEFAULT_TUNER_OPTIONS: Readonly<Omit<TunerOptions, 'onTrial' | 'now'>> = Object.freeze({
  strategy: 'random' as TunerStrategy,
  maxTrials: 10,
  maxMinutes: 60,
  epochs: 10,
  eta: 3,
  seed: 1,
  space: PAPER_SPACE,
  model: {},
  train: {},
});

export interface TrialResult {
  trial: number;
  /** Hyperband bracket and round (0 for random search). */
  bracket: number;
  round: number;
  config: TrialConfig;
  epochs: number;
  bestEpoch: number;
  valAcc: number;
  valLoss: number;
  params: number;
  seconds: number;
}

export interface TunerResult {
  strategy: TunerStrategy;
  trials: TrialResult[];
  best: TrialResult | undefined;
  /** Why the search ended. */
  stopped: 'done' | 'max-trials' | 'time';
  seconds: number;
}

export class TunerError extends GalspinError {
  override name = 'TunerError';
}

export function checkSpace(s: SearchSpace): void {
  const { convLayers: c, filters: f } = s;
  if (!(Number.isInteger(c.min) && Number.isInteger(c.max) && c.min >= 1 && c.max >= c.min))
    throw new TunerError('space: convLayers needs integers 1 ≤ min ≤ max');
  if (!(f.min >= 1 && f.max >= f.min && f.step >= 1 && (f.max - f.min) % f.step === 0))
    throw new TunerError('space: filters needs min ≤ max with (max − min) a multiple of step');
  if (s.learningRates.length === 0 || s.learningRates.some((lr) => !(lr > 0)))
    throw new TunerError('space: learningRates must be positive');
}

/** One configuration drawn uniformly from the space (conv layers, then filters per layer, then lr). */
export function sampleConfig(space: SearchSpace, rand: () => number): TrialConfig {
  const pickInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const layers = pickInt(space.convLayers.min, space.convLayers.max);
  const nFilters = (space.filters.max - space.filters.min) / space.filters.step;
  const convFilters = Array.from(
    { length: layers },
    () => space.filters.min + pickInt(0, nFilters) * space.filters.step,
  );
  const learningRate = space.learningRates[pickInt(0, space.learningRates.length - 1)];
  return { convFilters, learningRate };
}

export interface HyperbandRound {
  bracket: number;
  round: number;
  /** Configurations trained in this round. */
  configs: number;
  epochs: number;
}

/**
 * Hyperband schedule (Li et al. 2018, Algorithm 1) for a maximum of R epochs and factor η:
 * s_max = ⌊log_η R⌋; bracket s starts n = ⌈(s_max+1) ηˢ / (s+1)⌉ configurations at r = R η⁻ˢ epochs;
 * round i trains ⌊n η⁻ⁱ⌋ of them for ⌊r ηⁱ⌋ (≥ 1) epochs. Most exploratory bracket first.
 */
export function hyperbandSchedule(maxEpochs: number, eta: number): HyperbandRound[][] {
  if (!(Number.isInteger(maxEpochs) && maxEpochs >= 1)) throw new TunerError('hyperband: epochs must be ≥ 1');
  if (!(eta >= 2)) throw new TunerError('hyperband: eta must be ≥ 2');
  const sMax = Math.floor(Math.log(maxEpochs) / Math.log(eta) + 1e-9);
  const brackets: HyperbandRound[][] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) * eta ** s) / (s + 1));
    const r = maxEpochs * eta ** -s;
    const rounds: HyperbandRound[] = [];
    for (let i = 0; i <= s; i++) {
      rounds.push({
        bracket: sMax - s,
        round: i,
        configs: Math.max(1, Math.floor(n * eta ** -i)),
        epochs: Math.max(1, Math.min(maxEpochs, Math.floor(r * eta ** i + 1e-9))),
      });
    }
    brackets.push(rounds);
  }
  return brackets;
}

/** Validation-only ranking: higher accuracy first, then lower loss. */
export function betterTrial(a: TrialResult, b: TrialResult): number {
  if (a.valAcc !== b.valAcc) return b.valAcc - a.valAcc;
  return a.valLoss - b.valLoss;
}

export function configKey(c: TrialConfig): string {
  return `${c.convFilters.join('-')}@${c.learningRate}`;
}

/** Runs the search on labeled maps. Disposes every model it trains. */
export async function tune(
  tf: typeof tfjs,
  data: LabeledMaps,
  options: Partial<TunerOptions> = {},
): Promise<TunerResult> {
  const o: TunerOptions = { ...DEFAULT_TUNER_OPTIONS, ...options };
  checkSpace(o.space);
  if (!(Number.isInteger(o.maxTrials) && o.maxTrials >= 1)) throw new TunerError('maxTrials must be ≥ 1');
  if (!(o.maxMinutes > 0)) throw new TunerError('maxMinutes must be > 0');
  const now = o.now ?? (() => performance.now());
  const start = now();
  const deadline = start + o.maxMinutes * 60_000;
  const rng = mulberry32(o.seed ^ 0x5eed);
  const rand = () => rng.next();
  const trials: TrialResult[] = [];
  let stopped = 'done' as TunerResult['stopped'];

  const runTrial = async (config: TrialConfig, epochs: number, bracket: number, round: number) => {
    const t0 = now();
    const r = await trainClassifier(tf, data, {
      ...o.train,
      protocol: 'honest',
      epochs,
      seed: o.seed,
      model: { ...o.model, convFilters: config.convFilters, learningRate: config.learningRate, seed: o.seed },
    });
    const best = r.history[r.bestEpoch - 1] ?? r.history[r.history.length - 1];
    const trial: TrialResult = {
      trial: trials.length + 1,
      bracket,
      round,
      config,
      epochs: r.history.length,
      bestEpoch: r.bestEpoch,
      valAcc: best.valAcc,
      valLoss: best.valLoss,
      params: r.model.countParams(),
      seconds: (now() - t0) / 1000,
    };
    r.model.dispose();
    trials.push(trial);
    o.onTrial?.(trial, trials.length);
    return trial;
  };
  const budgetLeft = () => {
    if (trials.length >= o.maxTrials) {
      stopped = 'max-trials';
      return false;
    }
    if (now() >= deadline) {
      stopped = 'time';
      return false;
    }
    return true;
  };

  if (o.strategy === 'random') {
    const seen = new Set<string>();
    for (let attempt = 0; attempt < o.maxTrials * 20 && budgetLeft(); attempt++) {
      const config = sampleConfig(o.space, rand);
      if (seen.has(configKey(config))) continue;
      seen.add(configKey(config));
      await runTrial(config, o.epochs, 0, 0);
    }
    if (stopped === 'max-trials' && trials.length === o.maxTrials) stopped = 'done';
  } else {
    outer: for (const bracket of hyperbandSchedule(o.epochs, o.eta)) {
      let candidates = Array.from({ length: bracket[0].configs }, () => sampleConfig(o.space, rand));
      for (const round of bracket) {
        const results: TrialResult[] = [];
        for (const config of candidates.slice(0, round.configs)) {
          if (!budgetLeft()) break outer;
          results.push(await runTrial(config, round.epochs, round.bracket, round.round));
        }
        const keep = Math.max(1, Math.floor(results.length / o.eta));
        candidates = [...results]
          .sort(betterTrial)
          .slice(0, keep)
          .map((t) => t.config);
      }
    }
  }
  const best = [...trials].sort(betterTrial)[0];
  return { strategy: o.strategy, trials, best, stopped, seconds: (now() - start) / 1000 };
}

/** Results table as CSV (one row per trial). */
export function trialsCsv(trials: readonly TrialResult[]): string {
  const head =
    'trial,bracket,round,conv_layers,filters,learning_rate,epochs,best_epoch,val_acc,val_loss,params,seconds';
  const rows = trials.map((t) =>
    [
      t.trial,
      t.bracket,
      t.round,
      t.config.convFilters.length,
      t.config.convFilters.join('-'),
      t.config.learningRate,
      t.epochs,
      t.bestEpoch,
      t.valAcc.toFixed(6),
      t.valLoss.toFixed(6),
      t.params,
      t.seconds.toFixed(2),
    ].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}
