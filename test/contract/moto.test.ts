/**
 * The shared contract suites against the AWS adapters on moto (S3, SQS, DynamoDB), plus the local
 * provisioner: S3 → SQS notifications, dead-letter wiring, idempotence, and an emulator restart.
 */
import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/adapters/aws/clients.ts';
import { DynamoResultIndex } from '../../src/adapters/aws/dynamo-result-index.ts';
import {
  ensureBucket,
  ensureQueueWithDlq,
  ensureTable,
  provisionLocal,
} from '../../src/adapters/aws/provision.ts';
import { S3BlobStore } from '../../src/adapters/aws/s3-blob-store.ts';
import { SqsQueue } from '../../src/adapters/aws/sqs-queue.ts';
import { ingestObjects, LIMITS, PipelineEnv, parseEnv } from '../../src/config/index.ts';
import { type MotoServer, motoAvailability, startMotoForSuite } from '../support/moto.ts';
import { blobStoreContract } from './blob-store.contract.ts';
import { classified, resultIndexContract } from './result-index.contract.ts';
import { workQueueContract } from './work-queue.contract.ts';

const moto = motoAvailability();

describe.skipIf(!moto.ok)('AWS adapters on moto', () => {
  let stop: () => Promise<void>;
  let server: MotoServer;
  let clients: AwsClients;
  let n = 0;

  beforeAll(async () => {
    ({ moto: server, stop } = await startMotoForSuite({ provision: 'suite' }));
    // Created after the environment points at moto (retry budget included).
    clients = createAwsClients();
  });
  afterAll(async () => {
    await stop?.();
  });

  blobStoreContract('S3 (moto)', async () => {
    const bucket = `galspin-contract-${n++}`;
    await ensureBucket(clients, bucket, 'us-east-1');
    return new S3BlobStore(clients.s3, bucket);
  });

  workQueueContract('SQS (moto)', async ({ visibilitySeconds }) => {
    const q = await ensureQueueWithDlq(clients, `galspin-contract-q${n++}`, visibilitySeconds);
    return new SqsQueue(clients.sqs, q.url);
  });

  resultIndexContract('DynamoDB (moto)', async () => {
    const table = `galspin-contract-t${n++}`;
    await ensureTable(clients, table);
    return new DynamoResultIndex(clients.doc, table);
  });

  describe('local provisioner', () => {
    it('provisions for the suite and exports a valid pipeline environment', async () => {
      const env = parseEnv(PipelineEnv);
      expect(env).toMatchObject({ GALSPIN_ENV: 'suite', GALSPIN_BUCKET: 'galspin-suite-data' });
      expect(await new S3BlobStore(clients.s3, env.GALSPIN_BUCKET).head('nothing')).toBeUndefined();
      expect((await new SqsQueue(clients.sqs, env.GALSPIN_CLASSIFY_QUEUE_URL).depth()).visible).toBe(0);
    });

    it('is idempotent and wires S3 ObjectCreated on incoming/*.fits to the ingest queue', async () => {
      const first = await provisionLocal({ environment: 'ci', clients });
      const again = await provisionLocal({ environment: 'ci', clients });
      expect(again).toEqual(first);
      expect(first.env).toMatchObject({
        GALSPIN_BUCKET: 'galspin-ci-data',
        GALSPIN_TABLE: 'galspin-ci-results',
      });

      const ingest = new SqsQueue(clients.sqs, first.ingestQueueUrl);
      // Writing the notification configuration makes S3 send an s3:TestEvent; it carries no object.
      const early = await ingest.receive({ maxMessages: 10, waitSeconds: 1 });
      expect(early.flatMap((m) => ingestObjects(m.body))).toEqual([]);
      await ingest.delete(early.map((m) => m.receiptHandle));

      const blobs = new S3BlobStore(clients.s3, first.bucket);
      await blobs.put('incoming/run 1/9008500001_A+v.fits', 'SIMPLE');
      await blobs.put('incoming/notes.txt', 'not a survey file');
      await blobs.put('maps/9008500001.json', '{}');
      const got = await ingest.receive({ maxMessages: 10, waitSeconds: 2 });
      const objects = got.flatMap((m) => ingestObjects(m.body));
      expect(objects).toEqual([
        expect.objectContaining({ bucket: first.bucket, key: 'incoming/run 1/9008500001_A+v.fits', size: 6 }),
      ]);

      const attrs = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: first.classifyQueueUrl,
          AttributeNames: ['RedrivePolicy'],
        }),
      );
      const policy = JSON.parse(attrs.Attributes?.RedrivePolicy ?? '{}');
      expect(policy.maxReceiveCount).toBe(LIMITS.maxReceiveCount);
      expect(policy.deadLetterTargetArn).toMatch(/galspin-ci-classify-dlq$/);
      expect(await new SqsQueue(clients.sqs, first.classifyQueueUrl).deadLetterQueueUrl()).toBe(
        first.classifyDlqUrl,
      );
      await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: first.ingestQueueUrl }));
    });

    it('survives an emulator restart: calls in flight retry, state comes back', async () => {
      // Only this test's state needs to come back; a shorter recording replays faster.
      server.clearRecording();
      const res = await provisionLocal({ environment: 'restart', clients });
      const blobs = new S3BlobStore(clients.s3, res.bucket);
      const index = new DynamoResultIndex(clients.doc, res.table);
      const classify = new SqsQueue(clients.sqs, res.classifyQueueUrl);
      await blobs.put('maps/g1.json', '{"g":1}');
      await index.putResult(classified('g1', 0.97));
      await classify.sendBatch(['before-restart']);

      const restarting = server.restart(1500);
      // Issued while the emulator is down: the SDK retries until it is back.
      const [outage] = await Promise.all([
        restarting,
        index.putResult(classified('g2', 0.01)),
        classify.sendBatch(['during-restart']),
      ]);

      process.stderr.write(
        `[moto] restart: ${outage.replayed} requests replayed, down ${outage.downMs} ms (start ${outage.startMs} ms, replay ${outage.replayMs} ms)\n`,
      );
      expect(new TextDecoder().decode(await blobs.get('maps/g1.json'))).toBe('{"g":1}');
      expect((await index.getResult('g1', 'm1'))?.status).toBe('CLASSIFIED');
      expect((await index.getResult('g2', 'm1'))?.status).toBe('CLASSIFIED');
      const bodies: string[] = [];
      for (let i = 0; i < 5 && bodies.length < 2; i++) {
        bodies.push(...(await classify.receive({ maxMessages: 10, waitSeconds: 1 })).map((m) => m.body));
      }
      expect(bodies.sort()).toEqual(['before-restart', 'during-restart']);
    });
  });
});
