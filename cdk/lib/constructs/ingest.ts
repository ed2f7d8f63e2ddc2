/**
 * Ingest: S3 ObjectCreated under `incoming/` with a FITS suffix → ingest queue (DLQ after
 * LIMITS.maxReceiveCount receives) → preprocess Lambda (partial batch failures) → classify queue
 * (with its own DLQ). S3 notifications rather than an EventBridge rule: the preprocess shell reads
 * S3 event records, which is also what the local and emulator modes produce.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FITS_SUFFIXES,
  LIMITS,
  PREFIX,
  physicalName,
  RESOURCES,
  TIMEOUTS,
} from '../../../src/config/index.ts';
import { grantFromTable } from '../grants.ts';
import { shellFunction } from '../lambda-defaults.ts';
import { REPO_ROOT } from '../paths.ts';

/** The release the preprocess Lambda stamps on each row it writes (`preprocessor`, GALSPIN_VERSION). */
const RELEASE = `galspin@${JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version}`;

export interface IngestProps {
  readonly environment: string;
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly removalPolicy: RemovalPolicy;
}

/** Messages kept in a DLQ for inspection and `galspin redrive`: the SQS maximum. */
export const DLQ_RETENTION = Duration.days(14);

/** SQS event-source batch for preprocess: one FITS file per record, ten per invocation. */
export const PREPROCESS_BATCH = { size: 10, windowSeconds: 5, maxConcurrency: 10 } as const;

function queueWithDlq(
  scope: Construct,
  id: string,
  name: string,
  visibilitySeconds: number,
): { queue: sqs.Queue; dlq: sqs.Queue } {
  const dlq = new sqs.Queue(scope, `${id}Dlq`, {
    queueName: `${name}-dlq`,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  const queue = new sqs.Queue(scope, id, {
    queueName: name,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(visibilitySeconds),
    retentionPeriod: Duration.days(4),
    receiveMessageWaitTime: Duration.seconds(TIMEOUTS.longPollSeconds),
    deadLetterQueue: { queue: dlq, maxReceiveCount: LIMITS.maxReceiveCount },
  });
  return { queue, dlq };
}

export class Ingest extends Construct {
  readonly ingestQueue: sqs.Queue;
  readonly ingestDlq: sqs.Queue;
  readonly classifyQueue: sqs.Queue;
  readonly classifyDlq: sqs.Queue;
  readonly preprocess: lambda.Function;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const ingest = queueWithDlq(
      this,
      'IngestQueue',
      physicalName(props.environment, RESOURCES.ingestQueue),
      TIMEOUTS.ingestVisibilitySeconds,
    );
    this.ingestQueue = ingest.queue;
    this.ingestDlq = ingest.dlq;
    const classify = queueWithDlq(
      this,
      'ClassifyQueue',
      physicalName(props.environment, RESOURCES.classifyQueue),
      TIMEOUTS.classifyVisibilitySeconds,
    );
    this.classifyQueue = classify.queue;
    this.classifyDlq = classify.dlq;

    // One notification per suffix: S3 filters take a single prefix and a single suffix each.
    for (const suffix of FITS_SUFFIXES) {
      props.bucket.addEventNotification(
        s3.EventType.OBJECT_CREATED,
        new s3n.SqsDestination(this.ingestQueue),
        {
          prefix: PREFIX.incoming,
          suffix,
        },
      );
    }

    this.preprocess = shellFunction(this, 'Preprocess', {
      entry: 'lambdas/preprocess.ts',
      description: 'galspin: FITS upload → validated 40x40 map in maps/, index row, classify message',
      timeout: Duration.seconds(TIMEOUTS.preprocessLambdaSeconds),
      // Headroom for a LIMITS.maxFitsBytes file inflated from gzip plus its decoded image.
      memorySize: 1024,
      removalPolicy: props.removalPolicy,
      environment: {
        GALSPIN_ENV: props.environment,
        GALSPIN_BUCKET: props.bucket.bucketName,
        GALSPIN_CLASSIFY_QUEUE_URL: this.classifyQueue.queueUrl,
        GALSPIN_TABLE: props.table.tableName,
        GALSPIN_VERSION: RELEASE,
        POWERTOOLS_SERVICE_NAME: 'galspin-preprocess',
      },
    });
    // A plain mapping rather than SqsEventSource, whose grantConsumeMessages adds actions the
    // poller does not use (GetQueueUrl, ChangeMessageVisibility); the table grants the three it does.
    this.preprocess.addEventSourceMapping('IngestQueueMapping', {
      eventSourceArn: this.ingestQueue.queueArn,
      batchSize: PREPROCESS_BATCH.size,
      maxBatchingWindow: Duration.seconds(PREPROCESS_BATCH.windowSeconds),
      maxConcurrency: PREPROCESS_BATCH.maxConcurrency,
      reportBatchItemFailures: true,
    });
    grantFromTable(this.preprocess, 'preprocess', {
      bucket: props.bucket,
      table: props.table,
      queues: { ingest: this.ingestQueue, classify: this.classifyQueue },
    });
  }
}
