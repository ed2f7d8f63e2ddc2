/**
 * Query: one galaxy with all its results and uploads, or a filtered page of results (class +
 * model version + probability range) or of statuses (results or uploads, optionally one run), as
 * a {@link Table} that every output format (text, CSV, JSON, ECSV, FITS BINTABLE) renders.
 */
import type { ResultRow, SourceRow } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import {
  galaxyRecords,
  RESULT_COLUMNS,
  resultRecord,
  SOURCE_COLUMNS,
  sourceRecord,
} from '../formats/table/columns.ts';
import { toCsv, toTextTable } from '../formats/table/csv-write.ts';
import { toEcsv } from '../formats/table/ecsv-write.ts';
import { toFitsBintable } from '../formats/table/fits-write.ts';
import type { Table } from '../formats/table/table.ts';
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
      return {
        table: { columns: RESULT_COLUMNS, rows: galaxyRecords(spec.galaxyId, g) },
        rows: [...g.results, ...g.sources],
      };
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
