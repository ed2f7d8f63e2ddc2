/**
 * Rows of the results index. A galaxy has one {@link ResultRow} per model version (key
 * (galaxyId, modelVersion)), and every uploaded object has exactly one {@link SourceRow}
 * (key: its bucket key).
 */
import { z } from 'zod';
import { ResultStatus, RotatorClass, RunId, Survey } from './domain.ts';

const isoTime = z.iso.datetime();

/** MC-dropout summary of p = P(fast) over `passes` stochastic forward passes. */
export const Uncertainty = z.object({
  mean: z.number().min(0).max(1),
  std: z.number().min(0),
  passes: z.number().int().min(1),
});
export type Uncertainty = z.infer<typeof Uncertainty>;

/** Bucket keys of one galaxy's Integrated-Gradients attribution under one model version. */
export const AttributionKeys = z.object({
  /** `attributions/<modelVersion>/<galaxyId>.npy`: float32 40×40, row-major. */
  array: z.string().min(1),
  /** `attributions/<modelVersion>/<galaxyId>.png`: heatmap. */
  png: z.string().min(1),
});
export type AttributionKeys = z.infer<typeof AttributionKeys>;

/** Wall-clock stage timings in milliseconds (e.g. load, infer, uncertainty, ig, write, total). */
export const Timings = z.record(z.string(), z.number().nonnegative());
export type Timings = z.infer<typeof Timings>;

const resultBase = {
  galaxyId: z.string().min(1).max(128),
  modelVersion: z.string().min(1).max(128),
  runId: RunId,
  sourceKey: z.string().min(1),
  mapKey: z.string().min(1).optional(),
  survey: Survey.optional(),
  /** ISO-8601; a put never replaces a row with a newer `updatedAt`. */
  updatedAt: isoTime,
};

/** A classified galaxy under one model version. */
export const ClassifiedResult = z.object({
  ...resultBase,
  status: z.literal('CLASSIFIED'),
  /** p = P(fast), calibrated. */
  probability: z.number().min(0).max(1),
  /** Pre-sigmoid output. */
  logit: z.number().optional(),
  class: RotatorClass,
  uncertainty: Uncertainty,
  /** Global Moran's I of the velocity map (rook weights); null when undefined (constant map). */
  moransI: z.number().nullable(),
  /** λ_Re (Emsellem et al. 2007, eq. 6), when the dispersion map was available. */
  lambdaRe: z.number().optional(),
  ellipticity: z.number().optional(),
  attributionKeys: AttributionKeys,
  /** |Σ attribution − (logit − baseline logit)| (Sundararajan et al. 2017, completeness). */
  completenessGap: z.number().optional(),
  backend: z.string().optional(),
  /** What the model read: 'velocity+dispersion' (default) or 'velocity' (paper, or fallback). */
  inputKind: z.enum(['velocity', 'velocity+dispersion']).optional(),
  /** Why this galaxy was classified by another model than the champion, e.g. no dispersion map. */
  note: z.string().max(1000).optional(),
  /** The map is unlike the training data (src/model/serve/ood.ts): its class is `uncertain`. */
  outOfDistribution: z.boolean().optional(),
  /** Mahalanobis distance of the map's input features from the training maps, and the threshold. */
  oodDistance: z.number().optional(),
  oodThreshold: z.number().optional(),
  timings: Timings,
});
export type ClassifiedResult = z.infer<typeof ClassifiedResult>;

/** A galaxy the model could not classify (bad map, or a message that reached the DLQ). */
export const UnclassifiedResult = z.object({
  ...resultBase,
  status: z.enum(['REJECTED', 'FAILED']),
  reason: z.string().min(1).max(1000),
  timings: Timings.optional(),
});
export type UnclassifiedResult = z.infer<typeof UnclassifiedResult>;

export const ResultRow = z.discriminatedUnion('status', [ClassifiedResult, UnclassifiedResult]);
export type ResultRow = z.infer<typeof ResultRow>;

/** What an uploaded object turned out to be. */
export const SourceProduct = z.enum(['velocity', 'dispersion', 'flux', 'catalogue', 'unknown']);
export type SourceProduct = z.infer<typeof SourceProduct>;

/** The one row per uploaded object: what became of it. */
export const SourceRow = z.object({
  /** Decoded bucket key, e.g. `incoming/run-1/9008500001_A_stellar-velocity_default_two-moment.fits`. */
  sourceKey: z.string().min(1).max(1024),
  galaxyId: z.string().min(1).max(128).optional(),
  status: ResultStatus,
  /** Why the object was REJECTED or FAILED: one line naming the problem. */
  reason: z.string().min(1).max(1000).optional(),
  runId: RunId,
  product: SourceProduct.optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  etag: z.string().optional(),
  mapKey: z.string().optional(),
  updatedAt: isoTime,
});
export type SourceRow = z.infer<typeof SourceRow>;

/**
 * Order of source statuses: a put never moves a row to a lower rank for the same object version
 * (etag), so a re-delivered S3 event cannot turn a CLASSIFIED row back into QUEUED.
 * QUEUED and FAILED share a rank so that a redriven message can re-queue a failed object.
 */
export const STATUS_RANK: Record<ResultStatus, number> = { QUEUED: 1, FAILED: 1, REJECTED: 2, CLASSIFIED: 2 };
