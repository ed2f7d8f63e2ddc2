/**
 * metrics.json (galspin contracts) and the human-readable model card for one trained model.
 * The card records what a reader needs to trust or reproduce the numbers: data hash, split seed,
 * protocol, code version (git sha), backend, configuration and the test metrics with the paper's
 * figures beside them (Chegeni et al. 2025: accuracy 0.91, precision 0.95, AUC 0.95).
 */

import { execFileSync } from 'node:child_process';
import type { InputKind } from '../../maps/model-input.ts';
import type { TestMetrics } from '../evaluate/evaluate.ts';
import type { OodModel } from '../serve/ood.ts';
import type { EpochRecord } from './callbacks.ts';
import type { ModelConfig } from './network.ts';
import type { Protocol } from './train.ts';

export const PAPER_FIGURES = { accuracy: 0.91, precision: 0.95, auc: 0.95 } as const;

export interface MetricsJson {
  modelVersion: string;
  protocol: Protocol;
  backend: string;
  data: {
    source: string;
    hash: string;
    nGalaxies: number;
    nFast: number;
    nSlow: number;
    splitSeed: number;
    split: { train: number; validation: number; test: number };
  };
  test: TestMetrics;
  history: EpochRecord[];
  paper: typeof PAPER_FIGURES;
  codeVersion: string;
  createdAt: string;
  config: ModelConfig;
  /** What the network reads (src/maps/model-input.ts); absent in older cards = 'velocity'. */
  inputKind?: InputKind;
  /** How the input was normalised, in words (identical at training and serving time). */
  normalisation?: string;
  /**
   * The temperature serving uses, when fitted on a survey of another generator family than the
   * training data (train --calibrate-on): a CNN trained on one generator separates its own
   * validation split perfectly, so the validation temperature collapses and says nothing about data
   * from elsewhere. Decisions at P = 0.5 do not depend on T.
   */
  calibration?: { temperature: number; method: 'cross-generator'; survey: string; n: number; ece: number };
  /** Out-of-distribution model fitted on the training split (src/model/serve/ood.ts). */
  ood?: OodModel;
  training: {
    epochs: number;
    bestEpoch: number;
    stoppedEarly: boolean;
    trainSamplesPerEpoch: number;
    seconds: number;
    /** log(slow/fast oversampling) added to the logit after training; absent in older cards. */
    priorShift?: number;
  };
  thresholds: { fast: number; slow: number };
  /**
   * Set by retrain (src/pipeline/retrain.ts): a model trained with a non-Table-1 config or on fewer
   * than MIN_TRAINING_GALAXIES galaxies is a demo model and is never promoted over a champion.
   */
  demo?: boolean;
  demoReasons?: string[];
  /** Set by retrain: the promotion decision and the benchmark comparison it rested on. */
  promotion?: {
    promoted: boolean;
    reason: string;
    benchmark?: string;
    n?: number;
    challengerAccuracy?: number;
    championAccuracy?: number;
    /** Benchmark galaxies only the champion classifies correctly. */
    b?: number;
    /** Benchmark galaxies only the challenger classifies correctly. */
    c?: number;
    /** One-sided exact McNemar p-value. */
    pValue?: number;
    alpha?: number;
  };
}

/** `git rev-parse --short HEAD` (+ "-dirty"), or "unknown" outside a checkout. */
export function codeVersion(cwd = process.cwd()): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return sha || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** e.g. 2026-11-25T19-00-00Z-abc1234567: sortable, filesystem- and S3-key-safe. */
export function newModelVersion(now = new Date(), code = codeVersion()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `${stamp}-${code.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'unknown'}`;
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

function inputLine(m: MetricsJson): string {
  if ((m.inputKind ?? 'velocity') === 'velocity')
    return 'centred 40×40 stellar velocity map (km/s, NaN → 0), as in the paper';
  return `centred 40×40 stellar velocity and dispersion maps, two channels. Normalisation (the same at training and serving): ${(m.normalisation ?? '').replace(/\.$/, '')}`;
}

export function modelCard(m: MetricsJson): string {
  const t = m.test;
  const goal = (v: number, g: number, higher = true) =>
    `${f3(v)} ${higher ? (v >= g ? '✓' : '✗') : v <= g ? '✓' : '✗'}`;
  const leak =
    m.protocol === 'paper'
      ? '\n> **Leaky protocol.** Augmented before splitting: rotated copies of the same galaxy are in both train and\n> test, and the test split chose the checkpoint. These figures are inflated; they only reproduce the paper.\n'
      : '\n> Honest protocol: split by galaxy before augmentation; the test split was seen only by this evaluation.\n';
  return `# galspin model ${m.modelVersion}

Fast/slow rotator classifier: the CNN of Chegeni et al. 2025 (Universe 11, 92), Table 1, trained with
TensorFlow.js. Input: ${inputLine(m)}. Output: P(fast).
${leak}
| | |
|---|---|
| protocol | ${m.protocol} |
| data | ${m.data.source} |
| data sha256 | \`${m.data.hash}\` |
| galaxies | ${m.data.nGalaxies} (${m.data.nFast} fast, ${m.data.nSlow} slow) |
| split (seed ${m.data.splitSeed}) | train ${m.data.split.train}, validation ${m.data.split.validation}, test ${m.data.split.test} |
| code version | ${m.codeVersion} |
| backend | ${m.backend} |
| created | ${m.createdAt} |
| architecture | conv ${m.config.convFilters.join('/')}, dense ${m.config.denseUnits.join('/')}, dropout ${m.config.dropout}, L2 ${m.config.l2} |
| optimiser | Adam lr ${m.config.learningRate}, β1 ${m.config.beta1}; batch BCE |
| epochs | ${m.training.epochs} run, best ${m.training.bestEpoch}${m.training.stoppedEarly ? ' (early stop)' : ''}; ${m.training.trainSamplesPerEpoch} samples/epoch; ${Math.round(m.training.seconds)} s |
| thresholds | fast p ≥ ${m.thresholds.fast}, slow p ≤ ${m.thresholds.slow} |

## Own-family test split (n = ${t.n}, threshold ${t.threshold}; fast = positive)

The same generator as the training data: a footnote, not evidence that the model generalises. How it does on
data from elsewhere is in the quality table (scripts/quality-run.sh), appended below for a published champion.

| metric | galspin | paper | goal |
|---|---|---|---|
| accuracy | ${goal(t.accuracy, 0.91)} | ${m.paper.accuracy} | ≥ 0.91 |
| precision (fast) | ${goal(t.perClass.fast.precision, 0.95)} | ${m.paper.precision} | ≥ 0.95 |
| ROC AUC | ${goal(t.auc, 0.95)} | ${m.paper.auc} | ≥ 0.95 |
| ECE after temperature scaling | ${goal(t.calibration.eceAfter, 0.05, false)} | – | ≤ 0.05 |

| class | precision | recall | F1 | support |
|---|---|---|---|---|
| fast | ${f3(t.perClass.fast.precision)} | ${f3(t.perClass.fast.recall)} | ${f3(t.perClass.fast.f1)} | ${t.perClass.fast.support} |
| slow | ${f3(t.perClass.slow.precision)} | ${f3(t.perClass.slow.recall)} | ${f3(t.perClass.slow.f1)} | ${t.perClass.slow.support} |

Confusion: TP ${t.confusion.tp}, FP ${t.confusion.fp}, TN ${t.confusion.tn}, FN ${t.confusion.fn}.
${m.calibration ? `Serving temperature: ${f3(m.calibration.temperature)}, fitted across generators on ${m.calibration.survey} (n = ${m.calibration.n}, ECE there ${f3(m.calibration.ece)}); the validation temperature below is kept for reference.\n` : ''}Calibration: ${m.training.priorShift ? `logit shifted by ${f3(m.training.priorShift)} = log of the slow-rotator oversampling (prior correction), then ` : ''}temperature ${f3(t.calibration.temperature)} (fitted on validation), ECE ${f3(t.calibration.eceBefore)} → ${f3(t.calibration.eceAfter)}.
False positives (slow called fast): ${t.falsePositives.join(', ') || 'none'}.
False negatives (fast called slow): ${t.falseNegatives.join(', ') || 'none'}.

Files: model.json + weights.bin (TensorFlow.js layers format), metrics.json (everything above plus the ROC,
reliability bins, per-galaxy probabilities and the training history).
`;
}
