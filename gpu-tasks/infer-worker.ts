/**
 * Classify worker (ECS service on GPU instances): long-polls the classify queue and runs
 * src/pipeline/worker.ts with the champion model, re-reading the champion pointer so a promotion
 * takes effect without a restart. SIGTERM (ECS stop, scale-in) finishes the batch in hand, then exits.
 */
import { closeSync, openSync, utimesSync } from 'node:fs';
import { awsPorts } from '../src/app/aws-ports.ts';
import { jsonLogger } from '../src/app/logger.ts';
import { DEFAULT_THRESHOLDS, parseEnv, WorkerEnv } from '../src/config/index.ts';
import { initBackend } from '../src/model/backend.ts';
import { BlobModelRepository } from '../src/pipeline/model-repository.ts';
import { RepositoryClassifierSource } from '../src/pipeline/tf-classifier.ts';
import { runWorker } from '../src/pipeline/worker.ts';

const env = parseEnv(WorkerEnv);
const log = jsonLogger('galspin-infer-worker');
const stop = new AbortController();
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    log.info('stopping after the batch in hand', { signal: sig });
    stop.abort();
  });
}

const backend = await initBackend(env.GALSPIN_BACKEND);
const ports = awsPorts(env);
const models = new RepositoryClassifierSource(
  backend.tf,
  backend.name,
  new BlobModelRepository(ports.blobs),
  {
    igSteps: env.GALSPIN_IG_STEPS,
    mcPasses: env.GALSPIN_MC_PASSES,
    engine: env.GALSPIN_ENGINE,
    log: (line) => log.info(line),
    championTtlMs: Number(process.env.GALSPIN_CHAMPION_TTL_MS ?? 10_000),
    thresholds: {
      fast: env.GALSPIN_THRESHOLD_FAST ?? DEFAULT_THRESHOLDS.fast,
      slow: env.GALSPIN_THRESHOLD_SLOW ?? DEFAULT_THRESHOLDS.slow,
    },
  },
);
log.info('started', {
  backend: backend.name,
  batchSize: env.GALSPIN_BATCH_SIZE,
  batchMs: env.GALSPIN_BATCH_MS,
});
const stats = await runWorker(
  { blobs: ports.blobs, index: ports.index, queue: ports.classifyQueue, models, log },
  {
    batchSize: env.GALSPIN_BATCH_SIZE,
    batchMs: env.GALSPIN_BATCH_MS,
    waitSeconds: Number(process.env.GALSPIN_WAIT_SECONDS ?? 20),
    visibilitySeconds: process.env.GALSPIN_VISIBILITY_SECONDS
      ? Number(process.env.GALSPIN_VISIBILITY_SECONDS)
      : undefined,
    signal: stop.signal,
    untilEmpty: process.env.GALSPIN_EXIT_WHEN_EMPTY === '1',
    onPoll: env.GALSPIN_HEARTBEAT_FILE ? () => touch(env.GALSPIN_HEARTBEAT_FILE as string) : undefined,
  },
);
log.info('stopped', { ...stats });

/** Marks the loop alive for the image HEALTHCHECK, which checks this file's age. */
function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    closeSync(openSync(file, 'a'));
  }
}
