/**
 * Creates galspin's resources on an AWS emulator (moto, LocalStack) through the SDK, from the same
 * config module the CDK app reads: bucket (private, SSE), ingest and classify queues with their
 * dead-letter queues, the S3 → ingest-queue notification on `incoming/`, and the results table with
 * its GSIs. Idempotent: running it again converges instead of failing. Not for real AWS accounts —
 * deploy the CDK app there (emulators cannot run its custom resources, hence this).
 */

import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketNotificationConfigurationCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_SUFFIX,
  FITS_SUFFIXES,
  LIMITS,
  PREFIX,
  physicalName,
  RESOURCES,
  TIMEOUTS,
  tableDefinition,
} from '../../config/index.ts';
import { type AwsClients, awsClients } from './clients.ts';

export interface ProvisionedResources {
  bucket: string;
  table: string;
  ingestQueueUrl: string;
  ingestDlqUrl: string;
  classifyQueueUrl: string;
  classifyDlqUrl: string;
  /** The GALSPIN_* variables the shells need, ready to merge into process.env. */
  env: Record<string, string>;
}

export interface ProvisionOptions {
  /** GALSPIN_ENV (default `dev`). */
  environment?: string;
  clients?: AwsClients;
  region?: string;
}

export async function provisionLocal(opts: ProvisionOptions = {}): Promise<ProvisionedResources> {
  const environment = opts.environment ?? 'dev';
  const clients = opts.clients ?? awsClients();
  const region = opts.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const bucket = physicalName(environment, RESOURCES.dataBucket);
  const table = physicalName(environment, tableDefinition.logicalName);

  await ensureBucket(clients, bucket, region);
  const ingest = await ensureQueueWithDlq(
    clients,
    physicalName(environment, RESOURCES.ingestQueue),
    TIMEOUTS.ingestVisibilitySeconds,
    bucket,
  );
  const classify = await ensureQueueWithDlq(
    clients,
    physicalName(environment, RESOURCES.classifyQueue),
    TIMEOUTS.classifyVisibilitySeconds,
  );
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        // One rule per suffix: an S3 filter takes a single prefix and a single suffix (as in the CDK app).
        QueueConfigurations: FITS_SUFFIXES.map((suffix) => ({
          Id: `galspin-incoming${suffix.replace(/\./g, '-')}`,
          QueueArn: ingest.arn,
          Events: ['s3:ObjectCreated:*'],
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'prefix', Value: PREFIX.incoming },
                { Name: 'suffix', Value: suffix },
              ],
            },
          },
        })),
      },
    }),
  );
  await ensureTable(clients, table);

  return {
    bucket,
    table,
    ingestQueueUrl: ingest.url,
    ingestDlqUrl: ingest.dlqUrl,
    classifyQueueUrl: classify.url,
    classifyDlqUrl: classify.dlqUrl,
    env: {
      GALSPIN_ENV: environment,
      GALSPIN_BUCKET: bucket,
      GALSPIN_TABLE: table,
      GALSPIN_INGEST_QUEUE_URL: ingest.url,
      GALSPIN_CLASSIFY_QUEUE_URL: classify.url,
      AWS_REGION: region,
    },
  };
}

export async function ensureBucket(clients: AwsClients, bucket: string, region: string): Promise<void> {
  try {
    await clients.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that refuses an explicit location constraint.
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    );
  } catch (err) {
    if (!(err instanceof BucketAlreadyOwnedByYou || err instanceof BucketAlreadyExists)) throw err;
  }
  await clients.s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await clients.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
}

async function ensureQueue(
  clients: AwsClients,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const out = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return out.QueueUrl!;
  } catch (err) {
    // Exists with other attributes (an older provisioning): converge them.
    if (!(err instanceof QueueNameExists || (err as { name?: string }).name === 'QueueAlreadyExists'))
      throw err;
    const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
    return url;
  }
}

async function queueArn(clients: AwsClients, url: string): Promise<string> {
  const out = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes!.QueueArn!;
}

export async function ensureQueueWithDlq(
  clients: AwsClients,
  name: string,
  visibilitySeconds: number,
  notifyingBucket?: string,
): Promise<{ url: string; arn: string; dlqUrl: string }> {
  const dlqUrl = await ensureQueue(clients, `${name}${DEAD_LETTER_SUFFIX}`, {
    MessageRetentionPeriod: String(14 * 24 * 3600),
  });
  const dlqArn = await queueArn(clients, dlqUrl);
  const attributes: Record<string, string> = {
    VisibilityTimeout: String(visibilitySeconds),
    ReceiveMessageWaitTimeSeconds: String(TIMEOUTS.longPollSeconds),
    MessageRetentionPeriod: String(4 * 24 * 3600),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: LIMITS.maxReceiveCount }),
  };
  const url = await ensureQueue(clients, name, attributes);
  const arn = await queueArn(clients, url);
  if (notifyingBucket) {
    // What AWS requires before S3 may deliver notifications (emulators accept it and ignore it).
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowS3Notifications',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${notifyingBucket}` } },
        },
      ],
    };
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }),
    );
  }
  return { url, arn, dlqUrl };
}

export async function ensureTable(clients: AwsClients, table: string): Promise<void> {
  const d = tableDefinition;
  const attributes = new Map<string, string>();
  for (const k of [
    d.partitionKey,
    d.sortKey,
    ...d.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  ]) {
    attributes.set(k.name, k.type);
  }
  try {
    await clients.dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: d.billingMode,
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType: AttributeType as 'S',
        })),
        KeySchema: [
          { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: d.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: g.projection },
        })),
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
    const existing = await clients.dynamo.send(new DescribeTableCommand({ TableName: table }));
    const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    const missing = d.globalSecondaryIndexes.filter((g) => !have.has(g.indexName)).map((g) => g.indexName);
    if (missing.length > 0)
      throw new Error(`${table}: exists without the GSIs ${missing.join(', ')}; delete it and re-run`);
  }
  await waitUntilTableExists({ client: clients.dynamo, maxWaitTime: 60 }, { TableName: table });
}
