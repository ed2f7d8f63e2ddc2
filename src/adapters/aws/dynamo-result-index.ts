/**
 * ResultIndex on one DynamoDB table (layout in src/config/index-table.ts). Rows are stored as top-level
 * attributes beside their key attributes, so they read naturally in the console; conditional puts make
 * redeliveries idempotent and keep older writes from overwriting newer ones.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  classModelPk,
  galaxyPk,
  probabilitySortKey,
  RESOURCES,
  ResultRow,
  resultKeys,
  resultSk,
  SOURCE_SK,
  SourceRow,
  STATUS_RANK,
  sourceKeys,
  sourcePk,
  statusPk,
} from '../../config/index.ts';
import { decodeCursor, encodeCursor } from '../../ports/cursor.ts';
import { checkReadLimit, GALAXY_READ_LIMIT, pageLimit, probabilityBounds } from '../../ports/page-limit.ts';
import {
  type ClassQuery,
  CursorError,
  type GalaxyRecord,
  type Page,
  type ResultIndex,
  type StatusQuery,
} from '../../ports/storage.ts';
import { startKeySchema } from './start-key.ts';

type Item = Record<string, unknown>;

function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

export class DynamoResultIndex implements ResultIndex {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async putResult(input: ResultRow): Promise<boolean> {
    const row = ResultRow.parse(input);
    const item: Item = {
      ...row,
      ...resultKeys(row),
      kind: 'result',
      updatedMs: Date.parse(row.updatedAt),
    };
    return this.conditionalPut(item, 'attribute_not_exists(PK) OR updatedMs <= :u', { ':u': item.updatedMs });
  }

  async putSourceStatus(input: SourceRow): Promise<boolean> {
    const row = SourceRow.parse(input);
    const rank = STATUS_RANK[row.status];
    const item: Item = {
      ...row,
      ...sourceKeys(row),
      kind: 'source',
      statusRank: rank,
      updatedMs: Date.parse(row.updatedAt),
    };
    // Same rule as the SQLite index: never lower the rank for the same object version (etag).
    return row.etag === undefined
      ? this.conditionalPut(item, 'attribute_not_exists(PK) OR statusRank <= :r OR attribute_exists(etag)', {
          ':r': rank,
        })
      : this.conditionalPut(
          item,
          'attribute_not_exists(PK) OR statusRank <= :r OR attribute_not_exists(etag) OR etag <> :e',
          { ':r': rank, ':e': row.etag },
        );
  }

  private async conditionalPut(
    item: Item,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async getResult(galaxyId: string, modelVersion: string): Promise<ResultRow | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: galaxyPk(galaxyId), SK: resultSk(modelVersion) },
      }),
    );
    return out.Item ? ResultRow.parse(out.Item) : undefined;
  }

  async getSource(sourceKey: string): Promise<SourceRow | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: sourcePk(sourceKey), SK: SOURCE_SK } }),
    );
    return out.Item ? SourceRow.parse(out.Item) : undefined;
  }

  async getGalaxy(galaxyId: string): Promise<GalaxyRecord> {
    const results = await this.queryAll(`galaxy ${galaxyId} results`, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': galaxyPk(galaxyId), ':sk': 'RESULT#' },
    });
    const sources = await this.queryAll(`galaxy ${galaxyId} uploads`, {
      TableName: this.tableName,
      IndexName: RESOURCES.byClassIndex,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': galaxyPk(galaxyId) },
    });
    return {
      galaxyId,
      results: results.map((i) => ResultRow.parse(i)),
      sources: sources.map((i) => SourceRow.parse(i)),
    };
  }

  /** Every row of one key condition, bounded by GALAXY_READ_LIMIT (rows and round trips). */
  private async queryAll(what: string, input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      // One row past the bound is enough to know the bound was passed.
      const Limit = GALAXY_READ_LIMIT.rows + 1 - items.length;
      const out = await this.doc.send(new QueryCommand({ ...input, Limit, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
      pages++;
      checkReadLimit(what, items.length, start ? pages + 1 : pages);
    } while (start);
    return items;
  }

  async queryByClass(q: ClassQuery): Promise<Page<ResultRow>> {
    const { lo, hi } = probabilityBounds(q.minProbability, q.maxProbability);
    const pk = classModelPk(q.class, q.modelVersion);
    const tag = `class:${pk}:${lo}:${hi}:${q.descending ? 'd' : 'a'}`;
    return this.page(
      tag,
      q,
      startKeySchema('gsi1', pk, [probabilitySortKey(lo), `${probabilitySortKey(hi)}#\uffff`]),
      {
        TableName: this.tableName,
        IndexName: RESOURCES.byClassIndex,
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi',
        // The sort key carries 6 decimals; the filter makes the bounds exact.
        FilterExpression: 'probability BETWEEN :plo AND :phi',
        ExpressionAttributeValues: {
          ':pk': pk,
          ':lo': probabilitySortKey(lo),
          ':hi': `${probabilitySortKey(hi)}#\uffff`,
          ':plo': lo,
          ':phi': hi,
        },
        ScanIndexForward: q.descending !== true,
      },
      (i) => ResultRow.parse(i),
    );
  }

  async queryResultsByStatus(q: StatusQuery): Promise<Page<ResultRow>> {
    return this.statusPage('result', q, (i) => ResultRow.parse(i));
  }

  async querySourcesByStatus(q: StatusQuery): Promise<Page<SourceRow>> {
    return this.statusPage('source', q, (i) => SourceRow.parse(i));
  }

  private statusPage<T>(kind: 'result' | 'source', q: StatusQuery, parse: (i: Item) => T): Promise<Page<T>> {
    const pk = statusPk(kind, q.status);
    const byRun = q.runId !== undefined;
    return this.page(
      `${kind[0]}status:${pk}:${q.runId ?? ''}`,
      q,
      startKeySchema('gsi2', pk, byRun ? [`${q.runId}#`, `${q.runId}$`] : undefined),
      {
        TableName: this.tableName,
        IndexName: RESOURCES.byStatusIndex,
        KeyConditionExpression: byRun ? 'GSI2PK = :pk AND begins_with(GSI2SK, :run)' : 'GSI2PK = :pk',
        ExpressionAttributeValues: byRun ? { ':pk': pk, ':run': `${q.runId}#` } : { ':pk': pk },
      },
      parse,
    );
  }

  private async page<T>(
    tag: string,
    opts: { limit?: number; cursor?: string },
    position: ReturnType<typeof startKeySchema>,
    input: QueryCommandInput,
    parse: (i: Item) => T,
  ): Promise<Page<T>> {
    const start = decodeCursor(tag, opts.cursor, position);
    const command = new QueryCommand({ ...input, Limit: pageLimit(opts.limit), ExclusiveStartKey: start });
    const out = await this.doc.send(command).catch((err: unknown) => {
      // The query without a start key is valid by construction, so DynamoDB refusing it with one
      // means the cursor is at fault (a key the schema let through but the table does not accept).
      if (start && (err as { name?: string })?.name === 'ValidationException') {
        throw new CursorError('invalid pagination cursor: the table rejected its position');
      }
      throw err;
    });
    const items = ((out.Items ?? []) as Item[]).map(parse);
    return { items, ...(out.LastEvaluatedKey ? { cursor: encodeCursor(tag, out.LastEvaluatedKey) } : {}) };
  }
}
