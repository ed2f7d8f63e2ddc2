/**
 * Ports over AWS (S3, SQS, DynamoDB through SDK v3; the endpoint only from AWS_ENDPOINT_URL).
 * No TensorFlow and no SQLite here: the Lambdas bundle this file.
 */
import { awsClients } from '../adapters/aws/clients.ts';
import { DynamoResultIndex } from '../adapters/aws/dynamo-result-index.ts';
import { S3BlobStore } from '../adapters/aws/s3-blob-store.ts';
import { SqsQueue } from '../adapters/aws/sqs-queue.ts';
import type { PipelinePorts } from '../ports/pipeline-ports.ts';
import type { WorkQueue } from '../ports/storage.ts';

export type { PipelinePorts } from '../ports/pipeline-ports.ts';

export interface AwsPortsEnv {
  GALSPIN_BUCKET: string;
  GALSPIN_TABLE: string;
  GALSPIN_INGEST_QUEUE_URL?: string;
  GALSPIN_CLASSIFY_QUEUE_URL?: string;
}

/** Ports over AWS; queues that the environment does not name are unusable placeholders. */
export function awsPorts(env: AwsPortsEnv): PipelinePorts {
  const c = awsClients();
  const missing = (name: string): WorkQueue =>
    new Proxy({} as WorkQueue, {
      get: () => () => Promise.reject(new Error(`${name} is not set`)),
    });
  return {
    mode: 'aws',
    blobs: new S3BlobStore(c.s3, env.GALSPIN_BUCKET),
    index: new DynamoResultIndex(c.doc, env.GALSPIN_TABLE),
    ingestQueue: env.GALSPIN_INGEST_QUEUE_URL
      ? new SqsQueue(c.sqs, env.GALSPIN_INGEST_QUEUE_URL)
      : missing('GALSPIN_INGEST_QUEUE_URL'),
    classifyQueue: env.GALSPIN_CLASSIFY_QUEUE_URL
      ? new SqsQueue(c.sqs, env.GALSPIN_CLASSIFY_QUEUE_URL)
      : missing('GALSPIN_CLASSIFY_QUEUE_URL'),
    location: `s3://${env.GALSPIN_BUCKET} + DynamoDB table ${env.GALSPIN_TABLE}`,
    close() {},
  };
}
