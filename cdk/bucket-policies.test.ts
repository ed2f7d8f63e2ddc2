import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { asArray, type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';

const dev = synthGalspin();
const prod = synthGalspin({ environment: 'prod' });

const buckets = (json: Record<string, Json>) => resourcesOf(json, 'AWS::S3::Bucket');
const dataBucketId = (json: Record<string, Json>) =>
  buckets(json).find(([id]) => id.startsWith('StorageData'))![0];

describe('bucket policies: private, encrypted, TLS-only', () => {
  it('blocks all public access and encrypts with SSE-S3 on every bucket', () => {
    expect(buckets(dev.json)).toHaveLength(2);
    for (const [, b] of buckets(dev.json)) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
      expect(b.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    }
  });

  it('denies every request without TLS on both buckets', () => {
    const policies = resourcesOf(dev.json, 'AWS::S3::BucketPolicy');
    const protectedBuckets = new Set<string>();
    for (const [, p] of policies) {
      const deny = p.Properties.PolicyDocument.Statement.find(
        (s: Json) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
      if (!deny) continue;
      expect(deny.Action).toBe('s3:*');
      expect(deny.Principal).toEqual({ AWS: '*' });
      protectedBuckets.add(p.Properties.Bucket.Ref);
    }
    expect([...protectedBuckets].sort()).toEqual(
      buckets(dev.json)
        .map(([id]) => id)
        .sort(),
    );
  });

  it('versions the data bucket (models, champion pointer) and logs access to the log bucket', () => {
    const data = dev.json.Resources[dataBucketId(dev.json)].Properties;
    expect(data.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(data.LoggingConfiguration.DestinationBucketName.Ref).toMatch(/^StorageAccessLogs/);
  });

  it('expires derived data versions and moves uploads to colder storage', () => {
    const rules = dev.json.Resources[dataBucketId(dev.json)].Properties.LifecycleConfiguration
      .Rules as Json[];
    const byId = Object.fromEntries(rules.map((r) => [r.Id, r]));
    expect(byId['expire-old-maps']).toMatchObject({
      Prefix: 'maps/',
      NoncurrentVersionExpiration: { NoncurrentDays: 7 },
    });
    expect(byId['expire-old-attributions']).toMatchObject({ Prefix: 'attributions/' });
    expect(byId['uploads-to-colder-storage'].Prefix).toBe('incoming/');
    expect(asArray(byId['uploads-to-colder-storage'].Transitions).map((t: Json) => t.StorageClass)).toEqual([
      'STANDARD_IA',
      'GLACIER_IR',
    ]);
    expect(byId['abort-incomplete-uploads'].AbortIncompleteMultipartUpload).toEqual({
      DaysAfterInitiation: 7,
    });
  });

  it('retains buckets and table in prod, deletes them (emptied) in dev', () => {
    for (const [, b] of buckets(prod.json)) expect(b.DeletionPolicy).toBe('Retain');
    for (const [, b] of buckets(dev.json)) expect(b.DeletionPolicy).toBe('Delete');
    expect(resourcesOf(prod.json, 'Custom::S3AutoDeleteObjects')).toHaveLength(0);
    expect(resourcesOf(dev.json, 'Custom::S3AutoDeleteObjects')).toHaveLength(2);
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});
