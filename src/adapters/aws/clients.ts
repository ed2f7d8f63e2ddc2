/**
 * AWS SDK v3 clients, created once per process. The endpoint is never named in code: the SDK reads
 * `AWS_ENDPOINT_URL` (and region and credentials) from the standard environment, so the same code
 * talks to AWS, moto or LocalStack. Adaptive retries with a generous attempt budget let a run survive
 * an emulator restart or throttling.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/** Retry settings; `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE` in the environment override them. */
export function retryConfig(env: Record<string, string | undefined> = process.env): {
  maxAttempts: number;
  retryMode: string;
} {
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  return {
    maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 10,
    retryMode: env.AWS_RETRY_MODE ?? 'adaptive',
  };
}

/**
 * Emulators serve every bucket on one host, so S3 must use path-style addressing when an endpoint
 * override is present (the override itself is still read by the SDK, not here).
 */
export function usesEndpointOverride(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
}

export function createAwsClients(env: Record<string, string | undefined> = process.env): AwsClients {
  // galspin pins its SDK versions and supports Node 20 (package.json engines); the SDK's notice about
  // future releases needing Node 22 would print on every CLI run. An explicit setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const common = {
    ...retryConfig(env),
    // Long polls hold a request for up to 20 s; a dead peer must still time out.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  };
  const dynamo = new DynamoDBClient(common);
  return {
    s3: new S3Client({ ...common, forcePathStyle: usesEndpointOverride(env) }),
    sqs: new SQSClient(common),
    dynamo,
    doc: DynamoDBDocumentClient.from(dynamo, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  };
}

let shared: AwsClients | undefined;

/** The process-wide clients (Lambda: created at init, reused by every invocation). */
export function awsClients(): AwsClients {
  shared ??= createAwsClients();
  return shared;
}
