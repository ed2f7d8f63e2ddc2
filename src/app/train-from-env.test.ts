import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, TrainEnv } from '../config/index.ts';
import { silentLogger } from '../ports/logger.ts';
import { DEMO_TRAIN } from './local-run.ts';
import { trainFromEnv, trainOptions } from './train-from-env.ts';

const env = {
  GALSPIN_BUCKET: 'galspin-dev-bucket',
  GALSPIN_CLASSIFY_QUEUE_URL: 'http://127.0.0.1:4566/123456789012/galspin-dev-classify',
  GALSPIN_TABLE: 'galspin-dev-results',
};

describe('the train task composition root', () => {
  it('trains the full configuration by default, labels from the index, no re-enqueue', () => {
    const o = trainOptions(parseEnv(TrainEnv, env), silentLogger);
    expect(o.train).toEqual({ seed: 1 });
    expect(o.labelsKey).toBeUndefined();
    expect(o.reclassify).toBe(false);
  });

  it('GALSPIN_TRAIN_FULL=0 (the container smoke, `retrain --ecs` without --full) trains the demo configuration', () => {
    const o = trainOptions(
      parseEnv(TrainEnv, {
        ...env,
        GALSPIN_TRAIN_FULL: '0',
        GALSPIN_SPLIT_SEED: '7',
        GALSPIN_RECLASSIFY: '1',
      }),
      silentLogger,
    );
    expect(o.train).toEqual({ ...DEMO_TRAIN, seed: 7 });
    expect(o.reclassify).toBe(true);
  });

  it('logs each epoch as an `epoch` line with the record fields', () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const log = {
      ...silentLogger,
      info: (m: string, f?: Record<string, unknown>) => void lines.push([m, f]),
    };
    const rec = {
      epoch: 3,
      loss: 0.41,
      acc: 0.8,
      valLoss: 0.44,
      valAcc: 0.78,
      lr: 1e-3,
      samplesPerSec: 900,
      seconds: 2,
    };
    trainOptions(parseEnv(TrainEnv, env), log).onEpoch?.(rec, { epochs: 12, best: true });
    expect(lines).toEqual([['epoch', rec]]);
  });

  it('rejects a bad GALSPIN_TRAIN_FULL naming it, before loading TensorFlow', async () => {
    const failed = trainFromEnv(silentLogger, { ...env, GALSPIN_TRAIN_FULL: 'true' });
    await expect(failed).rejects.toThrow(EnvError);
    await expect(failed).rejects.toThrow(/^invalid environment: GALSPIN_TRAIN_FULL: /);
  });
});
