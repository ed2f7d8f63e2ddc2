import { describe, expect, it } from 'vitest';
import {
  EnvError,
  PipelineEnv,
  parseEnv,
  probabilitySortKey,
  ResultRow,
  resultKeys,
  SourceRow,
  sourceKeys,
  tableDefinition,
  WorkerEnv,
} from './index.ts';

const classified = {
  galaxyId: '9008500001',
  modelVersion: 'm1',
  runId: 'r1',
  sourceKey: 'incoming/a.fits',
  updatedAt: '2026-11-25T19:00:00.000Z',
  status: 'CLASSIFIED',
  probability: 0.97,
  class: 'fast',
  uncertainty: { mean: 0.96, std: 0.01, passes: 10 },
  moransI: 0.8,
  attributionKeys: { array: 'attributions/m1/9008500001.npy', png: 'attributions/m1/9008500001.png' },
  timings: { infer: 3.2 },
} as const;

describe('result rows', () => {
  it('parses a classified row and keys it into both indexes', () => {
    const row = ResultRow.parse(classified);
    const k = resultKeys(row);
    expect(k).toMatchObject({
      PK: 'GALAXY#9008500001',
      SK: 'RESULT#m1',
      GSI1PK: 'CLASS#fast#MODEL#m1',
      GSI1SK: '0.970000#9008500001',
      GSI2PK: 'RESULT#CLASSIFIED',
    });
    expect(k.GSI2SK?.startsWith('r1#2026-11-25')).toBe(true);
  });

  it('requires a reason for failed rows and keeps them out of the class index', () => {
    const { probability: _p, class: _c, ...rest } = classified;
    expect(ResultRow.safeParse({ ...rest, status: 'FAILED' }).success).toBe(false);
    const failed = ResultRow.parse({ ...rest, status: 'FAILED', reason: 'map is empty' });
    expect(resultKeys(failed).GSI1PK).toBeUndefined();
  });

  it('refuses probabilities outside [0, 1]', () => {
    expect(ResultRow.safeParse({ ...classified, probability: 1.2 }).success).toBe(false);
  });

  it('sorts probabilities lexically in numeric order', () => {
    const ps = [0, 0.05, 0.5, 0.049999, 0.95, 1, 0.123456];
    const lex = [...ps].sort((a, b) => (probabilitySortKey(a) < probabilitySortKey(b) ? -1 : 1));
    expect(lex).toEqual([...ps].sort((a, b) => a - b));
  });
});

describe('source rows', () => {
  it('key by the object key; galaxy link only when known', () => {
    const rejected = SourceRow.parse({
      sourceKey: 'incoming/bad.fits',
      status: 'REJECTED',
      reason: 'incoming/bad.fits: not a FITS file',
      runId: 'r1',
      updatedAt: '2026-11-25T19:00:00.000Z',
    });
    expect(sourceKeys(rejected)).toMatchObject({
      PK: 'SOURCE#incoming/bad.fits',
      SK: 'SOURCE',
      GSI2PK: 'SOURCE#REJECTED',
    });
    expect(sourceKeys(rejected).GSI1PK).toBeUndefined();
    expect(sourceKeys({ ...rejected, galaxyId: 'g1', status: 'QUEUED' }).GSI1PK).toBe('GALAXY#g1');
  });
});

describe('table definition and env', () => {
  it('names the GSIs from RESOURCES', () => {
    expect(tableDefinition.globalSecondaryIndexes.map((g) => g.indexName)).toEqual([
      'gsi1-class-model',
      'gsi2-status-run',
    ]);
  });

  it('validates shell environments and names every bad variable', () => {
    const env = {
      GALSPIN_BUCKET: 'galspin-dev-bucket',
      GALSPIN_INGEST_QUEUE_URL: 'http://127.0.0.1:4566/123456789012/galspin-dev-ingest',
      GALSPIN_CLASSIFY_QUEUE_URL: 'http://127.0.0.1:4566/123456789012/galspin-dev-classify',
      GALSPIN_TABLE: 'galspin-dev-results',
    };
    expect(parseEnv(PipelineEnv, env)).toMatchObject({ GALSPIN_ENV: 'dev', AWS_REGION: 'us-east-1' });
    expect(parseEnv(WorkerEnv, { ...env, GALSPIN_BATCH_SIZE: '8' }).GALSPIN_BATCH_SIZE).toBe(8);
    expect(() => parseEnv(PipelineEnv, { GALSPIN_BUCKET: 'x' })).toThrow(EnvError);
    expect(() => parseEnv(PipelineEnv, { ...env, GALSPIN_INGEST_QUEUE_URL: 'nope' })).toThrow(
      /GALSPIN_INGEST_QUEUE_URL/,
    );
  });
});
