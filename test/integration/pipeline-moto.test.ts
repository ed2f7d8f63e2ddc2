/**
 * The same scenario against moto: uploads to S3 → moto's S3 notification → ingest queue → the real
 * preprocess Lambda handler (through the local bridge) → classify queue → worker → DynamoDB rows and
 * S3 attributions. Faults: every S3 event delivered twice (re-sent copies), moto restarted between
 * ingest and classify (the SDK retries; nothing lost). Skipped when python3/moto is missing.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/model/backend.ts';
import { countingClassifier } from '../support/counting-classifier.ts';
import { type MotoServer, motoAvailability, startMotoForSuite } from '../support/moto.ts';
import { assertOneRowPerInput, installTinyChampion, scenarioInputs } from './pipeline-scenario.ts';

const available = motoAvailability().ok;

describe.skipIf(!available)(
  'pipeline against moto (S3 → SQS → Lambda handler → SQS → worker → DynamoDB)',
  () => {
    let moto: MotoServer;
    let stop: () => Promise<void>;
    let tf: typeof tfjs;
    let backend: string;

    beforeAll(async () => {
      const started = await startMotoForSuite({ provision: 'itest' });
      moto = started.moto;
      stop = started.stop;
      const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
      tf = b.tf;
      backend = b.name;
    });
    afterAll(async () => {
      await stop?.();
    });

    it('every input ends as exactly one row; events delivered twice; emulator restarted mid-run', async () => {
      // Imported after the environment points at moto: the SDK clients are created once, at first use.
      const { awsPortsFromEnv } = await import('../../src/app/cli-ports.ts');
      const { handler } = await import('../../lambdas/preprocess.ts');
      const { drainThroughHandler } = await import('../../src/app/bridge.ts');
      const { BlobModelRepository } = await import('../../src/pipeline/model-repository.ts');
      const { RepositoryClassifierSource } = await import('../../src/pipeline/tf-classifier.ts');
      const { runWorker } = await import('../../src/pipeline/worker.ts');
      const ports = await awsPortsFromEnv();
      const version = await installTinyChampion(tf, ports.blobs);
      const inputs = scenarioInputs('moto-1', 3);
      for (const i of inputs) await ports.blobs.put(i.key, i.body);

      // moto delivered one event per FITS upload; deliver each a second time, as SQS may.
      const delivered = await ports.ingestQueue.receive({
        maxMessages: 10,
        waitSeconds: 5,
        visibilitySeconds: 0,
      });
      expect(delivered.length).toBeGreaterThan(0);
      const bodies: string[] = [];
      for (let tries = 0; tries < 20 && bodies.length < inputs.length; tries++) {
        const got =
          tries === 0
            ? delivered
            : await ports.ingestQueue.receive({ maxMessages: 10, waitSeconds: 1, visibilitySeconds: 0 });
        for (const m of got) if (!bodies.includes(m.body)) bodies.push(m.body);
      }
      await ports.ingestQueue.sendBatch(bodies.slice(0, 10));
      if (bodies.length > 10) await ports.ingestQueue.sendBatch(bodies.slice(10));

      const ingest = await drainThroughHandler(ports.ingestQueue, handler, { waitSeconds: 1 });
      expect(ingest.failed).toBe(0);

      await moto.restart();

      const models = new RepositoryClassifierSource(tf, backend, new BlobModelRepository(ports.blobs), {
        igSteps: 8,
        mcPasses: 3,
      });
      const { source, inferred } = countingClassifier(models);
      await runWorker(
        { blobs: ports.blobs, index: ports.index, queue: ports.classifyQueue, models: source },
        { batchSize: 16, batchMs: 200, waitSeconds: 1, visibilitySeconds: 30, untilEmpty: true },
      );
      // The S3 filter only forwards FITS suffixes: the .fits bad files are rejected by the handler.
      await assertOneRowPerInput(ports, inputs, version);
      // One classification per galaxy: every event came twice, and each dispersion companion
      // re-ingests its velocity map, yet each galaxy's map went through the network once.
      const galaxies = new Set(
        inputs.filter((i) => i.expect === 'CLASSIFIED' && i.galaxyId).map((i) => i.galaxyId),
      );
      expect(inferred()).toBe(galaxies.size);
    });
  },
);
