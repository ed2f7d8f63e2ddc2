/**
 * The one set of output column names (snake_case, as astropy and pandas users expect), shared by
 * `predict` (files or a catalogue), `explain`, `moran` and the `query` exports. README.md, "Output
 * columns", lists them; descriptions and units travel as ECSV/FITS column metadata.
 */
import type { ResultRow, SourceRow } from '../../config/index.ts';
import type { CellValue, Column } from './table.ts';

const col = (name: string, type: Column['type'], description: string, unit?: string): Column => ({
  name,
  type,
  description,
  ...(unit ? { unit } : {}),
});

/** Columns shared by every per-galaxy output. */
export const COL = {
  galaxyId: col('galaxy_id', 'string', 'survey galaxy id (SAMI CATID, MaNGA plate-ifu)'),
  sourceFile: col('source_file', 'string', 'stellar-velocity file read'),
  dispersionFile: col('dispersion_file', 'string', 'stellar-velocity-dispersion file paired with it'),
  pFast: col('p_fast', 'float64', 'P(fast rotator), calibrated at the serving temperature'),
  pFastMean: col('p_fast_mean', 'float64', 'mean of P(fast) over the stochastic passes'),
  pFastStd: col('p_fast_std', 'float64', 'standard deviation of P(fast) over the stochastic passes'),
  nPasses: col('n_passes', 'int32', 'stochastic forward passes behind p_fast_mean and p_fast_std'),
  class: col('class', 'string', 'fast | slow | uncertain'),
  ood: col('ood', 'bool', 'map unlike the training data (class forced to uncertain)'),
  oodDistance: col('ood_distance', 'float64', 'Mahalanobis distance of the input features from training'),
  lambdaRe: col('lambda_re', 'float64', 'spin parameter lambda_R within Re (Emsellem et al. 2007)'),
  ellipticity: col('ellipticity', 'float64', 'ellipticity 1 - b/a of the half-light ellipse'),
  moranI: col('moran_i', 'float64', "global Moran's I of the velocity map (rook weights)"),
  inputKind: col('input_kind', 'string', 'what the model read: velocity or velocity+dispersion'),
  modelVersion: col('model_version', 'string', 'version of the model that classified the galaxy'),
  note: col('note', 'string', 'why another model than the champion, or why uncertain'),
  status: col('status', 'string', 'CLASSIFIED | REJECTED | FAILED (| QUEUED for uploads)'),
  reason: col('reason', 'string', 'why the galaxy or file was not classified'),
  error: col('error', 'string', 'why this row has no prediction (missing or unreadable file)'),
} as const;

/** What `predict` adds per galaxy (files or catalogue rows), in this order. */
export const PREDICTION_COLUMNS: readonly Column[] = [
  COL.galaxyId,
  COL.sourceFile,
  COL.dispersionFile,
  COL.pFast,
  COL.pFastMean,
  COL.pFastStd,
  COL.nPasses,
  COL.class,
  COL.ood,
  COL.oodDistance,
  COL.lambdaRe,
  COL.ellipticity,
  COL.moranI,
  COL.inputKind,
  COL.modelVersion,
  COL.note,
];

export type PredictionRecord = Record<(typeof PREDICTION_COLUMNS)[number]['name'], CellValue>;

/** Result rows of the index, as `query` exports them. */
export const RESULT_COLUMNS: readonly Column[] = [
  COL.galaxyId,
  COL.modelVersion,
  COL.status,
  COL.class,
  COL.pFast,
  COL.pFastStd,
  COL.moranI,
  COL.lambdaRe,
  COL.ellipticity,
  COL.ood,
  COL.oodDistance,
  COL.inputKind,
  col('survey', 'string', 'survey the map came from'),
  col('run_id', 'string', 'pipeline run'),
  col('source_key', 'string', 'bucket key of the velocity file'),
  col('attribution_png', 'string', 'bucket key of the Integrated Gradients heatmap'),
  COL.note,
  COL.reason,
  col('updated_at', 'string', 'ISO-8601 time the row was written'),
];

export function resultRecord(r: ResultRow): Record<string, CellValue> {
  const c = r.status === 'CLASSIFIED' ? r : undefined;
  return {
    galaxy_id: r.galaxyId,
    model_version: r.modelVersion,
    status: r.status,
    class: c?.class,
    p_fast: c?.probability,
    p_fast_std: c?.uncertainty.std,
    moran_i: c?.moransI,
    lambda_re: c?.lambdaRe,
    ellipticity: c?.ellipticity,
    ood: c?.outOfDistribution,
    ood_distance: c?.oodDistance,
    input_kind: c?.inputKind,
    survey: r.survey,
    run_id: r.runId,
    source_key: r.sourceKey,
    attribution_png: c?.attributionKeys.png,
    note: c?.note,
    reason: r.status !== 'CLASSIFIED' ? r.reason : undefined,
    updated_at: r.updatedAt,
  };
}

/** Upload rows of the index, as `query --status … --of sources` exports them. */
export const SOURCE_COLUMNS: readonly Column[] = [
  col('source_key', 'string', 'bucket key of the uploaded object'),
  COL.galaxyId,
  COL.status,
  col('product', 'string', 'velocity | dispersion | flux | catalogue | unknown'),
  COL.reason,
  col('run_id', 'string', 'pipeline run'),
  col('size_bytes', 'int64', 'object size', 'byte'),
  col('updated_at', 'string', 'ISO-8601 time the row was written'),
];

export function sourceRecord(s: SourceRow): Record<string, CellValue> {
  return {
    source_key: s.sourceKey,
    galaxy_id: s.galaxyId,
    status: s.status,
    product: s.product,
    reason: s.reason,
    run_id: s.runId,
    size_bytes: s.sizeBytes === undefined ? undefined : BigInt(s.sizeBytes),
    updated_at: s.updatedAt,
  };
}

/**
 * One galaxy as one table: its results first, then its uploads as status-only rows (the model
 * column says which product the upload was), so a single catalogue holds the galaxy's whole story.
 */
export function galaxyRecords(
  galaxyId: string,
  g: { results: readonly ResultRow[]; sources: readonly SourceRow[] },
): Record<string, CellValue>[] {
  return [
    ...g.results.map(resultRecord),
    ...g.sources.map((s) => ({
      galaxy_id: galaxyId,
      status: s.status,
      source_key: s.sourceKey,
      run_id: s.runId,
      reason: s.reason,
      updated_at: s.updatedAt,
      model_version: `(upload: ${s.product ?? 'unknown'})`,
    })),
  ];
}
