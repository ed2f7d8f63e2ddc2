/**
 * Which AWS deployment a `--aws` command talks to: region, bucket and table (and the queues when
 * known), resolved the same way for every command — flags, then the environment (GALSPIN_BUCKET,
 * GALSPIN_TABLE, AWS_REGION, …), then what `galspin run --aws` recorded in the home folder
 * (`<home>/aws.json`) when it provisioned. So the `galspin query … --aws` that `run --aws` prints
 * works in the same shell as printed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GalspinError } from '../errors.ts';

/** A deployment cannot be named: says which settings are missing and where they may come from. */
export class AwsTargetError extends GalspinError {
  override name = 'AwsTargetError';
}

export const AwsTarget = z.object({
  region: z.string().min(1),
  bucket: z.string().min(3).max(63),
  table: z.string().min(3).max(255),
  ingestQueueUrl: z.url().optional(),
  classifyQueueUrl: z.url().optional(),
  /** The emulator endpoint it was provisioned on (moto, LocalStack); absent for real AWS. */
  endpoint: z.url().optional(),
  environment: z.string().optional(),
});
export type AwsTarget = z.infer<typeof AwsTarget>;

export interface AwsTargetFlags {
  region?: string;
  bucket?: string;
  table?: string;
}

/** The file in a home folder where `run --aws` records what it provisioned. */
export function recordedTargetPath(home: string): string {
  return join(home, 'aws.json');
}

/** What `run --aws` provisioned, as recorded in `home`; undefined when nothing is recorded. */
export function readRecordedTarget(home: string): AwsTarget | undefined {
  const file = recordedTargetPath(home);
  if (!existsSync(file)) return undefined;
  const parsed = AwsTarget.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new AwsTargetError(`${file}: not a galspin AWS record (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** Records `target` in `home` (atomically: a reader never sees half a file). */
export function recordTarget(home: string, target: AwsTarget): void {
  mkdirSync(home, { recursive: true });
  const file = recordedTargetPath(home);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(AwsTarget.parse(target), null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * Region, bucket and table: each from the flags, else the environment, else the record in `home`.
 * Queue URLs and the endpoint come from the environment or the record. Throws one line naming
 * every missing setting and how to give it.
 */
export function resolveAwsTarget(
  flags: AwsTargetFlags,
  home: string,
  env: NodeJS.ProcessEnv = process.env,
): AwsTarget {
  const recorded = readRecordedTarget(home);
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? recorded?.region;
  const bucket = flags.bucket ?? env.GALSPIN_BUCKET ?? recorded?.bucket;
  const table = flags.table ?? env.GALSPIN_TABLE ?? recorded?.table;
  const missing = [
    region ? '' : 'region (--region or AWS_REGION)',
    bucket ? '' : 'bucket (--bucket or GALSPIN_BUCKET)',
    table ? '' : 'table (--table or GALSPIN_TABLE)',
  ].filter(Boolean);
  if (missing.length > 0)
    throw new AwsTargetError(
      `--aws: no ${missing.join(', no ')}; and ${recordedTargetPath(home)} ` +
        `${recorded ? 'lacks them' : 'does not exist (galspin run --aws writes it)'}`,
    );
  return {
    region: region as string,
    bucket: bucket as string,
    table: table as string,
    ingestQueueUrl: env.GALSPIN_INGEST_QUEUE_URL ?? recorded?.ingestQueueUrl,
    classifyQueueUrl: env.GALSPIN_CLASSIFY_QUEUE_URL ?? recorded?.classifyQueueUrl,
    endpoint: env.AWS_ENDPOINT_URL ?? recorded?.endpoint,
    environment: env.GALSPIN_ENV ?? recorded?.environment,
  };
}

/**
 * Puts `target` into the environment the AWS SDK and the Lambda shells read (region, endpoint,
 * GALSPIN_*). Against an emulator endpoint without credentials it sets moto's dummy ones, as
 * `run --aws` does.
 */
export function applyAwsTarget(target: AwsTarget, env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_REGION = target.region;
  env.GALSPIN_BUCKET = target.bucket;
  env.GALSPIN_TABLE = target.table;
  if (target.ingestQueueUrl) env.GALSPIN_INGEST_QUEUE_URL = target.ingestQueueUrl;
  if (target.classifyQueueUrl) env.GALSPIN_CLASSIFY_QUEUE_URL = target.classifyQueueUrl;
  if (target.environment) env.GALSPIN_ENV = target.environment;
  if (target.endpoint) {
    env.AWS_ENDPOINT_URL = target.endpoint;
    env.AWS_ACCESS_KEY_ID ??= 'test';
    env.AWS_SECRET_ACCESS_KEY ??= 'test';
  }
}
