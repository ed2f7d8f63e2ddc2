import { describe, expect, it } from 'vitest';
import { PreprocessEnv, QueryEnv } from '../src/config/index.ts';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';

const { json } = synthGalspin();
const shells = resourcesOf(json, 'AWS::Lambda::Function').filter(
  ([id]) => id.startsWith('IngestPreprocess') || id.startsWith('QueryHandler'),
);

describe('lambda runtime and architecture', () => {
  it('runs both shells on Node.js 22, arm64, JSON logs into their own log group', () => {
    expect(shells).toHaveLength(2);
    for (const [, fn] of shells) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: expect.any(String) },
      });
    }
  });

  it('gives each shell exactly the variables its zod env schema names (plus runtime tuning)', () => {
    const byId = Object.fromEntries(
      shells.map(([id, fn]) => [id.startsWith('Ingest') ? 'preprocess' : 'query', fn]),
    );
    const keysOf = (fn: Json) =>
      Object.keys(fn.Properties.Environment.Variables)
        .filter((k) => k.startsWith('GALSPIN_'))
        .sort();
    const schemaKeys = (shape: Record<string, unknown>) =>
      Object.keys(shape)
        .filter((k) => k.startsWith('GALSPIN_'))
        .sort();
    expect(keysOf(byId.preprocess)).toEqual(schemaKeys(PreprocessEnv.shape));
    expect(keysOf(byId.query)).toEqual(schemaKeys(QueryEnv.shape));
  });
});
