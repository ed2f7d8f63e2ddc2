/**
 * A worker process over the embedded adapters, for the SIGKILL test: prints `batch-start` when it
 * holds a batch (so the test can kill it mid-batch), with a short classify visibility timeout.
 *   tsx test/integration/embedded-worker.ts HOME VISIBILITY_SECONDS IG_STEPS
 */

import { embeddedPorts } from '../../src/app/embedded-ports.ts';
import { initBackend } from '../../src/model/backend.ts';
import { BlobModelRepository } from '../../src/pipeline/model-repository.ts';
import { RepositoryClassifierSource } from '../../src/pipeline/tf-classifier.ts';
import { runWorker } from '../../src/pipeline/worker.ts';

const [home, visibility, igSteps] = process.argv.slice(2);
const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
const ports = embeddedPorts(home);
const inner = new RepositoryClassifierSource(b.tf, b.name, new BlobModelRepository(ports.blobs), {
  igSteps: Number(igSteps),
  mcPasses: 3,
});
const models = {
  champion: () => inner.champion(),
  load: async (v: string) => {
    const c = await inner.load(v);
    return {
      ...c,
      modelVersion: c.modelVersion,
      backend: c.backend,
      dispose: () => c.dispose(),
      classify: (inputs: readonly Float32Array[]) => {
        process.stdout.write('batch-start\n');
        return c.classify(inputs);
      },
    };
  },
};
await runWorker(
  { ...ports, queue: ports.classifyQueue, models },
  { batchSize: 16, batchMs: 100, waitSeconds: 1, visibilitySeconds: Number(visibility), untilEmpty: true },
);
ports.close();
