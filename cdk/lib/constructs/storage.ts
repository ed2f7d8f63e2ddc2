/**
 * One data bucket for the whole pipeline, laid out by prefix (src/config PREFIX): uploads, maps,
 * attributions, models and reports. One bucket keeps the S3 notification, the IAM grants and the
 * local folder-bucket adapter one-to-one; prefixes give the per-area permissions and lifecycle that
 * separate buckets would. A second bucket holds access logs (and VPC flow logs), because a bucket
 * must not log into itself.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIX } from '../../../src/config/index.ts';

export interface StorageProps {
  /** Keep both buckets (and their objects) when the stack is deleted. */
  readonly retainData: boolean;
}

/** Lifecycle ages in days. */
export const LIFECYCLE = {
  uploadsToInfrequentAccessDays: 30,
  uploadsToGlacierIrDays: 180,
  derivedNoncurrentDays: 7,
  reportDays: 180,
  noncurrentVersionDays: 90,
  abortMultipartDays: 7,
  accessLogDays: 365,
} as const;

export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const autoDeleteObjects = !props.retainData;

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(LIFECYCLE.accessLogDays) }],
      removalPolicy,
      autoDeleteObjects,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Data', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // SSE-S3: no key policy to manage and no per-request KMS charge on ~10^5 small map objects;
      // see docs/deploy.md for switching to a customer-managed KMS key.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Versioning protects model versions and the champion pointer from overwrite and deletion.
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(LIFECYCLE.abortMultipartDays),
        },
        {
          // Uploads are read once by preprocess, then kept as provenance. S3 skips objects under
          // 128 KB for these transitions, which is where Infrequent Access would cost more.
          id: 'uploads-to-colder-storage',
          prefix: PREFIX.incoming,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(LIFECYCLE.uploadsToInfrequentAccessDays),
            },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(LIFECYCLE.uploadsToGlacierIrDays),
            },
          ],
        },
        // Maps and attributions are derived and small (KBs): re-runs overwrite them, so their old
        // versions are pure cost and expire quickly.
        ...[PREFIX.maps, PREFIX.attributions].map((prefix) => ({
          id: `expire-old-${prefix.replace('/', '')}`,
          prefix,
          noncurrentVersionExpiration: Duration.days(LIFECYCLE.derivedNoncurrentDays),
        })),
        { id: 'expire-reports', prefix: PREFIX.reports, expiration: Duration.days(LIFECYCLE.reportDays) },
        {
          // Models: an overwritten champion pointer or a deleted version stays recoverable this long.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(LIFECYCLE.noncurrentVersionDays),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
  }
}
