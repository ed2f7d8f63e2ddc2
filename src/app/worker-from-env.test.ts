import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoResultIndex } from '../adapters/aws/dynamo-result-index.ts';
import { S3BlobStore } from '../adapters/aws/s3-blob-store.ts';
import { SqsQueue } from '../adapters/aws/sqs-queue.ts';
import { DEFAULT_THRESHOLDS, EnvError, parseEnv, TIMEOUTS, WorkerEnv } from '../config/index.ts';
import { silentLogger } from '../ports/logger.ts';
import { classifierOptions, workerFromEnv, workerOptions } from './worker-from-env.ts';

const env = {
  GALSPIN_BUCKET: 'galspin-dev-bucket',
  GALSPIN_CLASSIFY_QUEUE_URL: 'http://127.0.0.1:4566/123456789012/galspin-dev-classify',
  GALSPIN_TABLE: 'galspin-dev-results',
};

describe('the classify worker composition root', () => {
  it('runs the ECS loop by default: 20 s polls, the queue visibility default, never exits when empty, no heartbeat', () => {
    const o = workerOptions(parseEnv(WorkerEnv, env));
    expect(o).toMatchObject({ batchSize: 32, batchMs: 2000, waitSeconds: 20, untilEmpty: false });
    expect(o.visibilitySeconds).toBeUndefined();
    expect(o.onPoll).toBeUndefined();
    // runWorker falls back to the classify queue's own timeout for an undefined visibility.
    expect(TIMEOUTS.classifyVisibilitySeconds).toBe(300);
  });

  it('touches GALSPIN_HEARTBEAT_FILE on every poll', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-worker-'));
    try {
      const file = join(dir, 'heartbeat');
      const o = workerOptions(parseEnv(WorkerEnv, { ...env, GALSPIN_HEARTBEAT_FILE: file }));
      expect(() => statSync(file)).toThrow();
      o.onPoll?.();
      expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves with the paper thresholds and a 10 s champion pointer unless told otherwise', () => {
    const lines: string[] = [];
    const log = { ...silentLogger, info: (m: string) => void lines.push(m) };
    const o = classifierOptions(parseEnv(WorkerEnv, env), log);
    expect(o).toMatchObject({ igSteps: 32, mcPasses: 30, engine: 'auto', championTtlMs: 10_000 });
    expect(o.thresholds).toEqual(DEFAULT_THRESHOLDS);
    o.log?.('engine: onnx');
    expect(lines).toEqual(['engine: onnx']);
    const tuned = classifierOptions(
      parseEnv(WorkerEnv, { ...env, GALSPIN_THRESHOLD_FAST: '0.9', GALSPIN_CHAMPION_TTL_MS: '500' }),
      log,
    );
    expect(tuned).toMatchObject({
      championTtlMs: 500,
      thresholds: { fast: 0.9, slow: DEFAULT_THRESHOLDS.slow },
    });
  });

  it('rejects a bad GALSPIN_VISIBILITY_SECONDS with one line naming it, before loading TensorFlow', async () => {
    const t0 = performance.now();
    const failed = workerFromEnv(silentLogger, { ...env, GALSPIN_VISIBILITY_SECONDS: 'ten' });
    await expect(failed).rejects.toThrow(EnvError);
    await expect(failed).rejects.toThrow(/^invalid environment: GALSPIN_VISIBILITY_SECONDS: [^\n]*$/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('builds the loop on the CPU backend from a valid environment', async () => {
    const w = await workerFromEnv(silentLogger, {
      ...env,
      GALSPIN_BACKEND: 'cpu',
      GALSPIN_BATCH_SIZE: '8',
      GALSPIN_EXIT_WHEN_EMPTY: '1',
    });
    expect(w.started).toEqual({ backend: 'cpu', batchSize: 8, batchMs: 2000 });
    expect(w.options).toMatchObject({ batchSize: 8, untilEmpty: true });
    expect(w.deps.log).toBe(silentLogger);
    expect(w.deps.queue).toBeInstanceOf(SqsQueue);
    expect(w.deps.blobs).toBeInstanceOf(S3BlobStore);
    expect(w.deps.index).toBeInstanceOf(DynamoResultIndex);
  }, 60_000);
});
