/**
 * Single-table design of the results index (DynamoDB on AWS and the emulator; SQLite embedded).
 * All key attributes are strings so that one GSI can hold differently shaped rows.
 *
 * | row            | PK                | SK                 | GSI1PK (byClass)            | GSI1SK                 | GSI2PK (byStatus)  | GSI2SK                       |
 * |----------------|-------------------|--------------------|-----------------------------|------------------------|--------------------|------------------------------|
 * | result         | GALAXY#<id>       | RESULT#<model>     | CLASS#<class>#MODEL#<model> | <p, 6 dp>#<id>         | RESULT#<status>    | <runId>#<updatedAt>#<id>     |
 * | source (upload)| SOURCE#<key>      | SOURCE             | GALAXY#<id> (if known)      | SOURCE#<key>           | SOURCE#<status>    | <runId>#<updatedAt>#<key>    |
 *
 * GSI1 therefore answers both "class + model sorted by probability" and "the uploads of a galaxy";
 * GSI2 answers "status (+ run) sorted by time" for results and uploads separately.
 */
import { RESOURCES } from './names.ts';
import type { ResultRow, SourceRow } from './rows.ts';

export const TABLE_KEYS = {
  pk: 'PK',
  sk: 'SK',
  gsi1pk: 'GSI1PK',
  gsi1sk: 'GSI1SK',
  gsi2pk: 'GSI2PK',
  gsi2sk: 'GSI2SK',
} as const;

/**
 * Table shape in a neutral form: attribute types are the DynamoDB letters ('S'), which equal the
 * CDK `AttributeType` values, and projection 'ALL' equals `ProjectionType.ALL`.
 */
export const tableDefinition = {
  logicalName: RESOURCES.resultsTable,
  partitionKey: { name: TABLE_KEYS.pk, type: 'S' },
  sortKey: { name: TABLE_KEYS.sk, type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  pointInTimeRecovery: true,
  globalSecondaryIndexes: [
    {
      indexName: RESOURCES.byClassIndex,
      partitionKey: { name: TABLE_KEYS.gsi1pk, type: 'S' },
      sortKey: { name: TABLE_KEYS.gsi1sk, type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: RESOURCES.byStatusIndex,
      partitionKey: { name: TABLE_KEYS.gsi2pk, type: 'S' },
      sortKey: { name: TABLE_KEYS.gsi2sk, type: 'S' },
      projection: 'ALL',
    },
  ],
} as const;

export type TableKeys = Partial<Record<(typeof TABLE_KEYS)[keyof typeof TABLE_KEYS], string>> & {
  PK: string;
  SK: string;
};

/** Probability as a sortable string: 6 decimals, so lexical order is numeric order on [0, 1]. */
export function probabilitySortKey(p: number): string {
  return Math.min(1, Math.max(0, p)).toFixed(6);
}

export const galaxyPk = (galaxyId: string): string => `GALAXY#${galaxyId}`;
export const resultSk = (modelVersion: string): string => `RESULT#${modelVersion}`;
export const sourcePk = (sourceKey: string): string => `SOURCE#${sourceKey}`;
export const SOURCE_SK = 'SOURCE';
export const classModelPk = (cls: string, modelVersion: string): string =>
  `CLASS#${cls}#MODEL#${modelVersion}`;
export const statusPk = (kind: 'result' | 'source', status: string): string =>
  `${kind === 'result' ? 'RESULT' : 'SOURCE'}#${status}`;

/** Key attributes of a result row. Unclassified rows stay out of the class index. */
export function resultKeys(row: ResultRow): TableKeys {
  const keys: TableKeys = {
    PK: galaxyPk(row.galaxyId),
    SK: resultSk(row.modelVersion),
    GSI2PK: statusPk('result', row.status),
    GSI2SK: `${row.runId}#${row.updatedAt}#${row.galaxyId}`,
  };
  if (row.status === 'CLASSIFIED') {
    keys.GSI1PK = classModelPk(row.class, row.modelVersion);
    keys.GSI1SK = `${probabilitySortKey(row.probability)}#${row.galaxyId}`;
  }
  return keys;
}

/** Key attributes of a source (upload) row. */
export function sourceKeys(row: SourceRow): TableKeys {
  const keys: TableKeys = {
    PK: sourcePk(row.sourceKey),
    SK: SOURCE_SK,
    GSI2PK: statusPk('source', row.status),
    GSI2SK: `${row.runId}#${row.updatedAt}#${row.sourceKey}`,
  };
  if (row.galaxyId) {
    keys.GSI1PK = galaxyPk(row.galaxyId);
    keys.GSI1SK = `SOURCE#${row.sourceKey}`;
  }
  return keys;
}
