import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnvError, PreprocessEnv, parseEnv } from '../config/index.ts';
import { silentLogger } from '../ports/logger.ts';
import { ingestDeps, ingestDepsFromEnv } from './ingest-from-env.ts';

const env = {
  GALSPIN_BUCKET: 'galspin-dev-bucket',
  GALSPIN_CLASSIFY_QUEUE_URL: 'http://127.0.0.1:4566/123456789012/galspin-dev-classify',
  GALSPIN_TABLE: 'galspin-dev-results',
};

describe('the preprocess composition root', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('stamps rows with GALSPIN_VERSION, "galspin" when unset', () => {
    expect(ingestDeps(parseEnv(PreprocessEnv, env), silentLogger).preprocessor).toBe('galspin');
    const stamped = parseEnv(PreprocessEnv, { ...env, GALSPIN_VERSION: '0.1.0+abc123' });
    expect(ingestDeps(stamped, silentLogger).preprocessor).toBe('0.1.0+abc123');
  });

  it('fails on a bad environment naming the variable, then builds once and reuses the clients', () => {
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    vi.stubEnv('GALSPIN_CLASSIFY_QUEUE_URL', 'not-a-url');
    expect(() => ingestDepsFromEnv(silentLogger)).toThrow(EnvError);
    expect(() => ingestDepsFromEnv(silentLogger)).toThrow(/GALSPIN_CLASSIFY_QUEUE_URL/);
    vi.stubEnv('GALSPIN_CLASSIFY_QUEUE_URL', env.GALSPIN_CLASSIFY_QUEUE_URL);
    const first = ingestDepsFromEnv(silentLogger);
    expect(first.log).toBe(silentLogger);
    expect(ingestDepsFromEnv(silentLogger)).toBe(first);
  });
});
