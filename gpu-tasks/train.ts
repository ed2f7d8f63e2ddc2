/**
 * Train task (ECS, scheduled or `galspin retrain --ecs`): labels (a CSV in the bucket named by
 * GALSPIN_LABELS_KEY, else kinematic λRe–ε labels from the index) → honest training → promote only
 * if better than the champion on the same test split → optionally re-enqueue every map for the new
 * champion. Dependencies from the validated environment (src/app/train-from-env.ts).
 */
import { serviceLogger } from '../src/app/service-logger.ts';
import { trainFromEnv } from '../src/app/train-from-env.ts';
import { retrain } from '../src/pipeline/retrain.ts';

const log = serviceLogger('galspin-train');
const { deps, options } = await trainFromEnv(log);
const r = await retrain(deps, options);
log.info('done', {
  version: r.version,
  ...r.comparison,
  testSet: r.comparison.testSet.n,
  reclassified: r.reclassified,
});
