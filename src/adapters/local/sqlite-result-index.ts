/**
 * The results index in SQLite, laid out exactly like the DynamoDB single table (src/config/index-table.ts):
 * the same key strings, the same two secondary indexes, the same conditional-put rules, so the
 * embedded mode and AWS answer queries identically.
 */

import { z } from 'zod';
import {
  classModelPk,
  galaxyPk,
  probabilitySortKey,
  ResultRow,
  resultKeys,
  resultSk,
  SOURCE_SK,
  SourceRow,
  STATUS_RANK,
  sourceKeys,
  sourcePk,
  statusPk,
  type TableKeys,
} from '../../config/index.ts';
import { decodeCursor, encodeCursor } from '../../ports/cursor.ts';
import { checkReadLimit, GALAXY_READ_LIMIT, pageLimit, probabilityBounds } from '../../ports/page-limit.ts';
import type { ClassQuery, GalaxyRecord, Page, ResultIndex, StatusQuery } from '../../ports/storage.ts';
import { type Db, openSqlite } from './sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS index_rows (
  pk TEXT NOT NULL,
  sk TEXT NOT NULL,
  gsi1pk TEXT,
  gsi1sk TEXT,
  gsi2pk TEXT,
  gsi2sk TEXT,
  kind TEXT NOT NULL,
  status_rank INTEGER,
  etag TEXT,
  updated_ms INTEGER NOT NULL,
  probability REAL,
  json TEXT NOT NULL,
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS index_rows_gsi1 ON index_rows (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS index_rows_gsi2 ON index_rows (gsi2pk, gsi2sk, pk, sk) WHERE gsi2pk IS NOT NULL;
`;

type Position = [string, string, string];
/** A keyset position (index sort key, PK, SK) as this index issues it; checked when it comes back. */
const POSITION = z.tuple([z.string().max(2048), z.string().max(2048), z.string().max(2048)]);

export class SqliteResultIndex implements ResultIndex {
  private readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(db: string | Db) {
    this.ownsDb = typeof db === 'string';
    this.db = typeof db === 'string' ? openSqlite(db) : db;
    this.db.exec(SCHEMA);
    this.stmts = prepare(this.db);
  }

  async putResult(input: ResultRow): Promise<boolean> {
    const row = ResultRow.parse(input);
    const k = resultKeys(row);
    const info = this.stmts.putResult.run({
      ...keyParams(k),
      kind: 'result',
      statusRank: null,
      etag: null,
      updatedMs: Date.parse(row.updatedAt),
      probability: row.status === 'CLASSIFIED' ? row.probability : null,
      json: JSON.stringify(row),
    });
    return info.changes > 0;
  }

  async putSourceStatus(input: SourceRow): Promise<boolean> {
    const row = SourceRow.parse(input);
    const k = sourceKeys(row);
    const info = this.stmts.putSource.run({
      ...keyParams(k),
      kind: 'source',
      statusRank: STATUS_RANK[row.status],
      etag: row.etag ?? null,
      updatedMs: Date.parse(row.updatedAt),
      probability: null,
      json: JSON.stringify(row),
    });
    return info.changes > 0;
  }

  async getResult(galaxyId: string, modelVersion: string): Promise<ResultRow | undefined> {
    const r = this.stmts.get.get(galaxyPk(galaxyId), resultSk(modelVersion)) as { json: string } | undefined;
    return r ? ResultRow.parse(JSON.parse(r.json)) : undefined;
  }

  async getSource(sourceKey: string): Promise<SourceRow | undefined> {
    const r = this.stmts.get.get(sourcePk(sourceKey), SOURCE_SK) as { json: string } | undefined;
    return r ? SourceRow.parse(JSON.parse(r.json)) : undefined;
  }

  async getGalaxy(galaxyId: string): Promise<GalaxyRecord> {
    const resultRows = this.stmts.galaxyResults.all(galaxyPk(galaxyId)) as { json: string }[];
    checkReadLimit(`galaxy ${galaxyId} results`, resultRows.length);
    const sourceRows = this.stmts.galaxySources.all(galaxyPk(galaxyId)) as { json: string }[];
    checkReadLimit(`galaxy ${galaxyId} uploads`, sourceRows.length);
    const results = resultRows.map((r) => ResultRow.parse(JSON.parse(r.json)));
    const sources = sourceRows.map((r) => SourceRow.parse(JSON.parse(r.json)));
    return { galaxyId, results, sources };
  }

  async queryByClass(q: ClassQuery): Promise<Page<ResultRow>> {
    const { lo, hi } = probabilityBounds(q.minProbability, q.maxProbability);
    const gsiPk = classModelPk(q.class, q.modelVersion);
    const tag = `class:${gsiPk}:${lo}:${hi}:${q.descending ? 'd' : 'a'}`;
    return this.page(
      'gsi1',
      gsiPk,
      probabilitySortKey(lo),
      `${probabilitySortKey(hi)}#\uffff`,
      q.descending === true,
      tag,
      q,
      (r) => ResultRow.parse(JSON.parse(r.json)),
      { lo, hi },
    );
  }

  async queryResultsByStatus(q: StatusQuery): Promise<Page<ResultRow>> {
    const gsiPk = statusPk('result', q.status);
    const [from, to] = runRange(q.runId);
    return this.page('gsi2', gsiPk, from, to, false, `rstatus:${gsiPk}:${q.runId ?? ''}`, q, (r) =>
      ResultRow.parse(JSON.parse(r.json)),
    );
  }

  async querySourcesByStatus(q: StatusQuery): Promise<Page<SourceRow>> {
    const gsiPk = statusPk('source', q.status);
    const [from, to] = runRange(q.runId);
    return this.page('gsi2', gsiPk, from, to, false, `sstatus:${gsiPk}:${q.runId ?? ''}`, q, (r) =>
      SourceRow.parse(JSON.parse(r.json)),
    );
  }

  /** Keyset pagination over one secondary index, ordered by (gsi sk, pk, sk). */
  private page<T>(
    gsi: 'gsi1' | 'gsi2',
    gsiPk: string,
    from: string,
    to: string,
    descending: boolean,
    tag: string,
    opts: { limit?: number; cursor?: string },
    parse: (r: { json: string }) => T,
    prob?: { lo: number; hi: number },
  ): Page<T> {
    const limit = pageLimit(opts.limit);
    const after: Position | undefined = decodeCursor(tag, opts.cursor, POSITION);
    const cmp = descending ? '<' : '>';
    const dir = descending ? 'DESC' : 'ASC';
    const sql = `SELECT pk, sk, ${gsi}sk AS gsk, json FROM index_rows
      WHERE ${gsi}pk = @gsiPk AND ${gsi}sk >= @from AND ${gsi}sk < @to
      ${prob ? 'AND probability BETWEEN @lo AND @hi' : ''}
      ${after ? `AND (${gsi}sk, pk, sk) ${cmp} (@a0, @a1, @a2)` : ''}
      ORDER BY ${gsi}sk ${dir}, pk ${dir}, sk ${dir} LIMIT @limit`;
    const rows = this.db.prepare(sql).all({
      gsiPk,
      from,
      to,
      ...(prob ?? {}),
      ...(after ? { a0: after[0], a1: after[1], a2: after[2] } : {}),
      limit: limit + 1,
    }) as { pk: string; sk: string; gsk: string; json: string }[];
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(parse),
      ...(more && last ? { cursor: encodeCursor(tag, [last.gsk, last.pk, last.sk] satisfies Position) } : {}),
    };
  }

  close(): void {
    if (this.ownsDb) this.db.close();
  }
}

/** `[from, to)` of GSI2 sort keys for one run (`<runId>#…`), or everything. */
function runRange(runId: string | undefined): [string, string] {
  // '$' is the code point after '#', so [`run#`, `run$`) is exactly the keys that start with `run#`.
  return runId === undefined ? ['', '\uffff'] : [`${runId}#`, `${runId}$`];
}

function keyParams(k: TableKeys) {
  return {
    pk: k.PK,
    sk: k.SK,
    gsi1pk: k.GSI1PK ?? null,
    gsi1sk: k.GSI1SK ?? null,
    gsi2pk: k.GSI2PK ?? null,
    gsi2sk: k.GSI2SK ?? null,
  };
}

function prepare(db: Db) {
  const insert = `INSERT INTO index_rows (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, kind, status_rank, etag, updated_ms, probability, json)
    VALUES (@pk, @sk, @gsi1pk, @gsi1sk, @gsi2pk, @gsi2sk, @kind, @statusRank, @etag, @updatedMs, @probability, @json)
    ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, gsi2pk = excluded.gsi2pk,
      gsi2sk = excluded.gsi2sk, kind = excluded.kind, status_rank = excluded.status_rank, etag = excluded.etag,
      updated_ms = excluded.updated_ms, probability = excluded.probability, json = excluded.json`;
  return {
    putResult: db.prepare(`${insert} WHERE excluded.updated_ms >= index_rows.updated_ms`),
    putSource: db.prepare(
      `${insert} WHERE excluded.status_rank >= index_rows.status_rank
        OR coalesce(excluded.etag, '') <> coalesce(index_rows.etag, '')`,
    ),
    get: db.prepare('SELECT json FROM index_rows WHERE pk = ? AND sk = ?'),
    galaxyResults: db.prepare(
      `SELECT json FROM index_rows WHERE pk = ? AND sk >= 'RESULT#' AND sk < 'RESULT$' ORDER BY sk LIMIT ${GALAXY_READ_LIMIT.rows + 1}`,
    ),
    galaxySources: db.prepare(
      `SELECT json FROM index_rows WHERE gsi1pk = ? ORDER BY gsi1sk LIMIT ${GALAXY_READ_LIMIT.rows + 1}`,
    ),
  };
}
