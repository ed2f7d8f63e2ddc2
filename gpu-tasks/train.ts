/**
 * Train task (ECS, scheduled or `galspin retrain --ecs`): labels (a CSV in the bucket named by
 * GALSPIN_LABELS_KEY, else kinematic λRe–ε labels from the index) → honest
 * training → promote only if better than the champion on the same test split → optionally
 * re-enqueue every map for the new champion.
 */

import { awsPorts } from '../src/app/aws-ports.ts';
import { DEMO_TRAIN } from '../src/app/local-run.ts';
import { jsonLogger } from '../src/app/logger.ts';
import { parseEnv, TrainEnv } from '../src/config/index.ts';
import { initBackend } from '../src/model/backend.ts';
import { retrain, retrainDeps } from '../src/pipeline/retrain.ts';

const env = parseEnv(TrainEnv);
const log = jsonLogger('galspin-train');
const backend = await initBackend(env.GALSPIN_BACKEND, {
  nativeKernels: env.GALSPIN_NATIVE_KERNELS === 'on',
});
const ports = awsPorts(env);
const full = process.env.GALSPIN_TRAIN_FULL !== '0';
const r = await retrain(retrainDeps(backend, ports, log), {
  labelsKey: env.GALSPIN_LABELS_KEY,
  train: full ? { seed: env.GALSPIN_SPLIT_SEED } : { ...DEMO_TRAIN, seed: env.GALSPIN_SPLIT_SEED },
  reclassify: env.GALSPIN_RECLASSIFY === '1',
  onEpoch: (rec) => log.info('epoch', { ...rec }),
});
log.info('done', {
  version: r.version,
  ...r.comparison,
  testSet: r.comparison.testSet.n,
  reclassified: r.reclassified,
});
