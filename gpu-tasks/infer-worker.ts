/**
 * Classify worker (ECS service on GPU instances): long-polls the classify queue and runs
 * src/pipeline/worker.ts with the champion model, re-reading the champion pointer so a promotion
 * takes effect without a restart. Dependencies from the validated environment
 * (src/app/worker-from-env.ts). SIGTERM (ECS stop, scale-in) finishes the batch in hand, then exits.
 */
import { serviceLogger } from '../src/app/service-logger.ts';
import { workerFromEnv } from '../src/app/worker-from-env.ts';
import { runWorker } from '../src/pipeline/worker.ts';

const log = serviceLogger('galspin-infer-worker');
const stop = new AbortController();
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    log.info('stopping after the batch in hand', { signal: sig });
    stop.abort();
  });
}

const { deps, options, started } = await workerFromEnv(log);
log.info('started', started);
const stats = await runWorker(deps, { ...options, signal: stop.signal });
log.info('stopped', { ...stats });
