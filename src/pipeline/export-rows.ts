/**
 * Whole-table reads of the results index for exports: every row that matches a query, page after
 * page through the {@link ResultIndex} port (1000 rows a round trip, the port's ceiling), so an
 * export is bounded by the table, not by a page. A `limit` stops early; a `cursor` resumes a
 * previous page. Rows come out in the shared snake_case columns (src/formats/table/columns.ts).
 */

import type { ResultRow, ResultStatus, SourceRow } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import {
  galaxyRecords,
  RESULT_COLUMNS,
  resultRecord,
  SOURCE_COLUMNS,
  sourceRecord,
} from '../formats/table/columns.ts';
import type { CellValue, Column } from '../formats/table/table.ts';
import { type BlobStore, PAGE_LIMIT, type Page, type ResultIndex } from '../ports/storage.ts';
import { type IndexSelector, selectedModelVersion } from './index-selector.ts';

export type ExportSpec =
  | IndexSelector
  /** Every result row (any status) of the run whose newest result is the newest in the index. */
  | { kind: 'latest-run' };

/** A query the index cannot answer as asked (no champion, empty index, unknown galaxy). */
export class ExportError extends PermanentInputError {
  override name = 'ExportError';
}

export interface ExportOptions {
  /** Stop after this many rows (absent: every matching row). */
  limit?: number;
  /** Resume after a previous page (class and status queries). */
  cursor?: string;
}

/** The resolved query: its columns, a table meta, and its rows page by page. */
export interface ExportStream {
  columns: readonly Column[];
  meta: Record<string, string>;
  pages: AsyncGenerator<Record<string, CellValue>[]>;
  /** After the pages are drained: where a cut by `limit` stopped (pass as `cursor` to go on). */
  cursor(): string | undefined;
}

const RESULT_STATUSES: readonly ResultStatus[] = ['CLASSIFIED', 'REJECTED', 'FAILED'];

type Fetch<T> = (page: { limit: number; cursor?: string }) => Promise<Page<T>>;

/** Pages through one paged query until it ends or `limit` rows came; `state.cursor` is where it stopped. */
async function* drain<T>(
  fetch: Fetch<T>,
  map: (row: T) => Record<string, CellValue>,
  opts: ExportOptions,
  state: { cursor?: string },
): AsyncGenerator<Record<string, CellValue>[]> {
  let left = opts.limit ?? Number.POSITIVE_INFINITY;
  let cursor = opts.cursor;
  do {
    const page = await fetch({ limit: Math.min(PAGE_LIMIT.max, left), cursor });
    left -= page.items.length;
    cursor = page.cursor;
    state.cursor = cursor;
    if (page.items.length > 0) yield page.items.map(map);
  } while (cursor && left > 0);
}

/**
 * The run of the newest result row: every status is read once (ordered by run, then time), so this
 * costs one pass over the results; `galspin run` ids sort by time, but retrain's and users' do not.
 */
export async function latestRunId(index: ResultIndex): Promise<string | undefined> {
  let best: { runId: string; at: string } | undefined;
  for (const status of RESULT_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await index.queryResultsByStatus({ status, limit: PAGE_LIMIT.max, cursor });
      for (const r of page.items)
        if (!best || r.updatedAt > best.at) best = { runId: r.runId, at: r.updatedAt };
      cursor = page.cursor;
    } while (cursor);
  }
  return best?.runId;
}

/** Opens an export of every row matching `spec`. */
export async function openExport(
  deps: { index: ResultIndex; blobs: BlobStore },
  spec: ExportSpec,
  opts: ExportOptions = {},
): Promise<ExportStream> {
  const state: { cursor?: string } = {};
  const stream = (
    columns: readonly Column[],
    meta: Record<string, string>,
    pages: AsyncGenerator<Record<string, CellValue>[]>,
  ): ExportStream => ({ columns, meta, pages, cursor: () => state.cursor });
  switch (spec.kind) {
    case 'galaxy': {
      const g = await deps.index.getGalaxy(spec.galaxyId);
      if (g.results.length === 0 && g.sources.length === 0)
        throw new ExportError(`galaxy ${spec.galaxyId}: not in the index`);
      const rows = galaxyRecords(spec.galaxyId, g).slice(0, opts.limit);
      return stream(
        RESULT_COLUMNS,
        { galaxy: spec.galaxyId },
        (async function* () {
          yield rows;
        })(),
      );
    }
    case 'class': {
      const modelVersion = await selectedModelVersion(spec, deps.blobs);
      if (!modelVersion) throw new ExportError('no model version given and no champion model exists');
      const fetch: Fetch<ResultRow> = (p) =>
        deps.index.queryByClass({
          class: spec.class,
          modelVersion,
          minProbability: spec.minProbability,
          maxProbability: spec.maxProbability,
          descending: spec.descending,
          ...p,
        });
      return stream(
        RESULT_COLUMNS,
        { model: modelVersion, class: spec.class },
        drain(fetch, resultRecord, opts, state),
      );
    }
    case 'status': {
      const q = { status: spec.status, runId: spec.runId };
      const meta: Record<string, string> = {
        status: spec.status,
        ...(spec.runId ? { run: spec.runId } : {}),
      };
      if (spec.of === 'sources') {
        const fetch: Fetch<SourceRow> = (p) => deps.index.querySourcesByStatus({ ...q, ...p });
        return stream(SOURCE_COLUMNS, meta, drain(fetch, sourceRecord, opts, state));
      }
      const fetch: Fetch<ResultRow> = (p) => deps.index.queryResultsByStatus({ ...q, ...p });
      return stream(RESULT_COLUMNS, meta, drain(fetch, resultRecord, opts, state));
    }
    case 'latest-run': {
      if (opts.cursor) throw new ExportError('--cursor needs a --class or --status query');
      const runId = await latestRunId(deps.index);
      if (!runId) throw new ExportError('the index holds no results yet (run `galspin run` first)');
      async function* pages(): AsyncGenerator<Record<string, CellValue>[]> {
        let left = opts.limit ?? Number.POSITIVE_INFINITY;
        for (const status of RESULT_STATUSES) {
          if (left <= 0) return;
          const fetch: Fetch<ResultRow> = (p) => deps.index.queryResultsByStatus({ status, runId, ...p });
          for await (const rows of drain(fetch, resultRecord, { limit: left }, {})) {
            left -= rows.length;
            yield rows;
          }
        }
      }
      return stream(RESULT_COLUMNS, { run: runId }, pages());
    }
  }
}
