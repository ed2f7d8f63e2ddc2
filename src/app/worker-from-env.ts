/**
 * The classify worker's composition root (gpu-tasks/infer-worker.ts): WorkerEnv (validated by zod)
 * → the TensorFlow backend, AWS ports and the champion's classifier source → what
 * {@link runWorker} takes. The environment is checked before TensorFlow loads, so a bad variable
 * fails in milliseconds with EnvError naming it.
 */
import { DEFAULT_THRESHOLDS, parseEnv, WorkerEnv } from '../config/index.ts';
import { initBackend } from '../model/backend.ts';
import { BlobModelRepository } from '../pipeline/model-repository.ts';
import { RepositoryClassifierSource, type TfClassifierOptions } from '../pipeline/tf-classifier.ts';
import type { runWorker, WorkerOptions } from '../pipeline/worker.ts';
import type { PipelineLogger } from '../ports/logger.ts';
import { awsPorts } from './aws-ports.ts';
import { touchHeartbeat } from './heartbeat.ts';

/** The loop's settings; `signal` is the shell's (SIGTERM). */
export function workerOptions(env: WorkerEnv): Omit<WorkerOptions, 'signal'> {
  const heartbeat = env.GALSPIN_HEARTBEAT_FILE;
  return {
    batchSize: env.GALSPIN_BATCH_SIZE,
    batchMs: env.GALSPIN_BATCH_MS,
    waitSeconds: env.GALSPIN_WAIT_SECONDS,
    visibilitySeconds: env.GALSPIN_VISIBILITY_SECONDS,
    untilEmpty: env.GALSPIN_EXIT_WHEN_EMPTY === '1',
    onPoll: heartbeat ? () => touchHeartbeat(heartbeat) : undefined,
  };
}

/** How the champion serves: engine, IG steps, MC passes, class cuts, pointer re-read interval (ms). */
export function classifierOptions(
  env: WorkerEnv,
  log: PipelineLogger,
): TfClassifierOptions & { championTtlMs: number } {
  return {
    igSteps: env.GALSPIN_IG_STEPS,
    mcPasses: env.GALSPIN_MC_PASSES,
    engine: env.GALSPIN_ENGINE,
    log: (line) => log.info(line),
    championTtlMs: env.GALSPIN_CHAMPION_TTL_MS,
    thresholds: {
      fast: env.GALSPIN_THRESHOLD_FAST ?? DEFAULT_THRESHOLDS.fast,
      slow: env.GALSPIN_THRESHOLD_SLOW ?? DEFAULT_THRESHOLDS.slow,
    },
  };
}

export interface WorkerSetup {
  deps: Parameters<typeof runWorker>[0];
  options: Omit<WorkerOptions, 'signal'>;
  /** The fields of the `started` log line (the container smoke times its cold start by it). */
  started: { backend: string; batchSize: number; batchMs: number };
}

/** Everything the worker loop needs, from `env` (default `process.env`). */
export async function workerFromEnv(
  log: PipelineLogger,
  rawEnv: Record<string, string | undefined> = process.env,
): Promise<WorkerSetup> {
  const env = parseEnv(WorkerEnv, rawEnv);
  const backend = await initBackend(env.GALSPIN_BACKEND);
  const ports = awsPorts(env);
  const repo = new BlobModelRepository(ports.blobs);
  const models = new RepositoryClassifierSource(backend.tf, backend.name, repo, classifierOptions(env, log));
  return {
    deps: { blobs: ports.blobs, index: ports.index, queue: ports.classifyQueue, models, log },
    options: workerOptions(env),
    started: { backend: backend.name, batchSize: env.GALSPIN_BATCH_SIZE, batchMs: env.GALSPIN_BATCH_MS },
  };
}
