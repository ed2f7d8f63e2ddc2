/**
 * The train task's composition root (gpu-tasks/train.ts): TrainEnv (validated by zod) → the
 * TensorFlow backend and AWS ports → what `retrain` (src/pipeline/retrain.ts) takes. The
 * environment is checked before TensorFlow loads, so a bad variable fails at once, named.
 */
import { parseEnv, TrainEnv } from '../config/index.ts';
import { initBackend } from '../model/backend.ts';
import { type RetrainDeps, type RetrainOptions, retrainDeps } from '../pipeline/retrain.ts';
import type { PipelineLogger } from '../ports/logger.ts';
import { awsPorts } from './aws-ports.ts';
import { DEMO_TRAIN } from './local-run.ts';

/** Labels, split seed, full or demo configuration, re-enqueue; each epoch logged as `epoch`. */
export function trainOptions(env: TrainEnv, log: PipelineLogger): RetrainOptions {
  const seed = env.GALSPIN_SPLIT_SEED;
  return {
    labelsKey: env.GALSPIN_LABELS_KEY,
    train: env.GALSPIN_TRAIN_FULL === '1' ? { seed } : { ...DEMO_TRAIN, seed },
    reclassify: env.GALSPIN_RECLASSIFY === '1',
    onEpoch: (rec) => log.info('epoch', { ...rec }),
  };
}

/** Everything one training run needs, from `env` (default `process.env`). */
export async function trainFromEnv(
  log: PipelineLogger,
  rawEnv: Record<string, string | undefined> = process.env,
): Promise<{ deps: RetrainDeps; options: RetrainOptions }> {
  const env = parseEnv(TrainEnv, rawEnv);
  const backend = await initBackend(env.GALSPIN_BACKEND, {
    nativeKernels: env.GALSPIN_NATIVE_KERNELS === 'on',
  });
  return { deps: retrainDeps(backend, awsPorts(env), log), options: trainOptions(env, log) };
}
