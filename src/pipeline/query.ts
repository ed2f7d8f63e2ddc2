/**
 * Query: one galaxy with all its results and uploads, or a filtered page of results (class +
 * model version + probability range) or of statuses (results or uploads, optionally one run), as
 * a {@link Table} that every output format (text, CSV, JSON, ECSV, FITS BINTABLE) renders.
 */
import type { ResultRow, SourceRow } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import { toCsv, toTextTable } from '../formats/table/csv-write.ts';
import { toEcsv } from '../formats/table/ecsv-write.ts';
import { toFitsBintable } from '../formats/table/fits-write.ts';
import type { Column, Table } from '../formats/table/table.ts';
import type { BlobStore, ResultIndex } from '../ports/storage.ts';
import { type IndexSelector, type PageRequest, selectedModelVersion } from './index-selector.ts';

/** A galaxy, or one page of a class or status selection. */
export type QuerySpec =
  | Extract<IndexSelector, { kind: 'galaxy' }>
  | (Exclude<IndexSelector, { kind: 'galaxy' }> & PageRequest);

export interface QueryResult {
  table: Table;
  /** Next page; absent on the last. */
  cursor?: string;
  /** The rows as the index returned them (JSON output). */
  rows: (ResultRow | SourceRow)[];
}

/** A query that cannot be answered as asked; `status` is its HTTP status (400, or 404 for a miss). */
export class QueryError extends PermanentInputError {
  override name = 'QueryError';
  readonly status: number;
  constructor(message: string, opts: { status?: number } = {}) {
    super(message);
    this.status = opts.status ?? 400;
  }
}

export const RESULT_COLUMNS: Column[] = [
  { name: 'galaxyId', type: 'string', description: 'survey id (SAMI CATID)' },
  { name: 'modelVersion', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'class', type: 'string', description: 'fast | slow | uncertain' },
  { name: 'probability', type: 'float64', description: 'P(fast), calibrated' },
  { name: 'uncertaintyStd', type: 'float64', description: 'MC-dropout std of P(fast)' },
  { name: 'moransI', type: 'float64', description: "Global Moran's I of the velocity map" },
  { name: 'lambdaRe', type: 'float64', description: 'lambda_R within Re (Emsellem+2007)' },
  { name: 'ellipticity', type: 'float64' },
  { name: 'survey', type: 'string' },
  { name: 'runId', type: 'string' },
  { name: 'sourceKey', type: 'string' },
  { name: 'attributionPng', type: 'string' },
  { name: 'reason', type: 'string' },
  { name: 'updatedAt', type: 'string' },
];

export const SOURCE_COLUMNS: Column[] = [
  { name: 'sourceKey', type: 'string' },
  { name: 'galaxyId', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'product', type: 'string' },
  { name: 'reason', type: 'string' },
  { name: 'runId', type: 'string' },
  { name: 'sizeBytes', type: 'int32', unit: 'byte' },
  { name: 'updatedAt', type: 'string' },
];

export function resultRecord(r: ResultRow): Record<string, string | number | null | undefined> {
  const c = r.status === 'CLASSIFIED' ? r : undefined;
  return {
    galaxyId: r.galaxyId,
    modelVersion: r.modelVersion,
    status: r.status,
    class: c?.class,
    probability: c?.probability,
    uncertaintyStd: c?.uncertainty.std,
    moransI: c?.moransI,
    lambdaRe: c?.lambdaRe,
    ellipticity: c?.ellipticity,
    survey: r.survey,
    runId: r.runId,
    sourceKey: r.sourceKey,
    attributionPng: c?.attributionKeys.png,
    reason: r.status !== 'CLASSIFIED' ? r.reason : undefined,
    updatedAt: r.updatedAt,
  };
}

export function sourceRecord(s: SourceRow): Record<string, string | number | null | undefined> {
  return {
    sourceKey: s.sourceKey,
    galaxyId: s.galaxyId,
    status: s.status,
    product: s.product,
    reason: s.reason,
    runId: s.runId,
    sizeBytes: s.sizeBytes,
    updatedAt: s.updatedAt,
  };
}

/** Runs one query; `blobs` is needed only to resolve the champion when no model version is given. */
export async function runQuery(
  deps: { index: ResultIndex; blobs: BlobStore },
  spec: QuerySpec,
): Promise<QueryResult> {
  switch (spec.kind) {
    case 'galaxy': {
      const g = await deps.index.getGalaxy(spec.galaxyId);
      if (g.results.length === 0 && g.sources.length === 0)
        throw new QueryError(`galaxy ${spec.galaxyId}: not in the index`, { status: 404 });
      // One table: results first, then the uploads as status-only rows.
      const rows = [
        ...g.results.map(resultRecord),
        ...g.sources.map((s) => ({
          galaxyId: spec.galaxyId,
          status: s.status,
          sourceKey: s.sourceKey,
          runId: s.runId,
          reason: s.reason,
          updatedAt: s.updatedAt,
          modelVersion: `(upload: ${s.product ?? 'unknown'})`,
        })),
      ];
      return { table: { columns: RESULT_COLUMNS, rows }, rows: [...g.results, ...g.sources] };
    }
    case 'class': {
      const modelVersion = await selectedModelVersion(spec, deps.blobs);
      if (!modelVersion)
        throw new QueryError('no model version given and no champion model exists', { status: 404 });
      const page = await deps.index.queryByClass({
        class: spec.class,
        modelVersion,
        minProbability: spec.minProbability,
        maxProbability: spec.maxProbability,
        descending: spec.descending,
        limit: spec.limit,
        cursor: spec.cursor,
      });
      return {
        table: {
          columns: RESULT_COLUMNS,
          rows: page.items.map(resultRecord),
          meta: { modelVersion, class: spec.class },
        },
        cursor: page.cursor,
        rows: page.items,
      };
    }
    case 'status': {
      const q = { status: spec.status, runId: spec.runId, limit: spec.limit, cursor: spec.cursor };
      if (spec.of === 'sources') {
        const page = await deps.index.querySourcesByStatus(q);
        return {
          table: { columns: SOURCE_COLUMNS, rows: page.items.map(sourceRecord) },
          cursor: page.cursor,
          rows: page.items,
        };
      }
      const page = await deps.index.queryResultsByStatus(q);
      return {
        table: { columns: RESULT_COLUMNS, rows: page.items.map(resultRecord) },
        cursor: page.cursor,
        rows: page.items,
      };
    }
  }
}

export type OutputFormat = 'table' | 'csv' | 'json' | 'jsonl' | 'ecsv' | 'fits';
/** Renders a query result; FITS is binary, everything else text. */
export function renderQuery(result: QueryResult, format: OutputFormat): string | Uint8Array {
  switch (format) {
    case 'table':
      return toTextTable(result.table) + (result.cursor ? `\n(more: --cursor ${result.cursor})\n` : '');
    case 'csv':
      return toCsv(result.table);
    case 'ecsv':
      return toEcsv(result.table);
    case 'fits':
      return toFitsBintable(result.table, 'GALSPIN');
    case 'jsonl':
      return result.rows.map((r) => JSON.stringify(r)).join('\n') + (result.rows.length ? '\n' : '');
    case 'json':
      return `${JSON.stringify({ items: result.rows, cursor: result.cursor ?? null }, null, 2)}\n`;
  }
}
