/**
 * The report's reading of `metrics.json` (shape agreed in the galspin contracts; written by
 * training/evaluation in src/model). Parsed leniently: optional blocks may be absent in older
 * or partial runs, and the report leaves out what it cannot draw rather than failing.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { GalspinError } from '../errors.ts';

const num = z.number();
const ConfusionSchema = z.object({ tp: num, fp: num, tn: num, fn: num });
export type Confusion = z.infer<typeof ConfusionSchema>;

const RocPointSchema = z.object({ fpr: num, tpr: num, threshold: num.nullable().optional() });
export type RocPoint = z.infer<typeof RocPointSchema>;

const ProbabilitySchema = z.object({ galaxyId: z.coerce.string(), label: num, p: num });
export type LabeledProbability = z.infer<typeof ProbabilitySchema>;

const CalibrationBinSchema = z.object({
  lo: num,
  hi: num,
  count: num,
  meanP: num.nullable(),
  fracPositive: num.nullable(),
});
const CalibrationSchema = z.object({
  temperature: num.optional(),
  eceBefore: num.optional(),
  eceAfter: num.optional(),
  bins: z.array(CalibrationBinSchema),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

const ClassStatsSchema = z.object({ precision: num, recall: num, f1: num, support: num }).partial();

const EpochSchema = z
  .object({
    epoch: num,
    loss: num.optional(),
    acc: num.optional(),
    valLoss: num.optional(),
    valAcc: num.optional(),
    lr: num.optional(),
    samplesPerSec: num.optional(),
  })
  .loose();
export type Epoch = z.infer<typeof EpochSchema>;

const TestSchema = z
  .object({
    n: num.optional(),
    threshold: num.optional(),
    confusion: ConfusionSchema,
    accuracy: num,
    auc: num.optional(),
    perClass: z
      .object({ fast: ClassStatsSchema.optional(), slow: ClassStatsSchema.optional() })
      .partial()
      .optional(),
    roc: z.array(RocPointSchema).optional(),
    probabilities: z.array(ProbabilitySchema).optional(),
    calibration: CalibrationSchema.optional(),
    falsePositives: z.array(z.coerce.string()).optional(),
    falseNegatives: z.array(z.coerce.string()).optional(),
  })
  .loose();
export type TestMetrics = z.infer<typeof TestSchema>;

export const MetricsSchema = z
  .object({
    modelVersion: z.string(),
    protocol: z.string().optional(),
    backend: z.string().optional(),
    data: z
      .object({
        source: z.string().optional(),
        hash: z.string().optional(),
        nGalaxies: num.optional(),
        nFast: num.optional(),
        nSlow: num.optional(),
        splitSeed: num.optional(),
        split: z.object({ train: num, validation: num, test: num }).partial().optional(),
      })
      .loose()
      .optional(),
    test: TestSchema,
    history: z.array(EpochSchema).optional(),
    paper: z.object({ accuracy: num, precision: num, auc: num }).partial().optional(),
  })
  .loose();
export type Metrics = z.infer<typeof MetricsSchema>;

/** The paper's headline test figures (Chegeni et al. 2025, Sect. 3). */
export const PAPER_METRICS = { accuracy: 0.91, precision: 0.95, auc: 0.95 } as const;

export class MetricsError extends GalspinError {
  override name = 'MetricsError';
}

/** Parses metrics.json text; the error names the file and the first bad field. */
export function parseMetrics(text: string, file = 'metrics.json'): Metrics {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MetricsError(`${file}: not JSON (${(err as Error).message})`);
  }
  const parsed = MetricsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MetricsError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export async function readMetrics(file: string): Promise<Metrics> {
  return parseMetrics(await readFile(file, 'utf8'), file);
}

/** Precision of the fast class: TP / (TP + FP), positive class = fast. NaN when nothing was called fast. */
export function fastPrecision(c: Confusion): number {
  return c.tp / (c.tp + c.fp);
}
