/**
 * Prefix-scoped S3 grants with exact action names. The L2 `bucket.grant*` helpers add wildcard
 * actions (`s3:GetObject*`, `s3:List*`, `s3:DeleteObject*`), which this app avoids on data.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export interface ObjectAccess {
  /** Prefixes (with trailing `/`) whose objects may be read. */
  readonly read?: readonly string[];
  /** Prefixes whose objects may be written (overwrite included). */
  readonly write?: readonly string[];
}

/**
 * Reads via GetObject (HeadObject is authorised by it), writes via PutObject, and ListBucket on the
 * bucket itself so that a missing key answers 404 instead of 403 (the BlobStore's `head` contract).
 */
export function grantObjects(grantee: iam.IGrantable, bucket: s3.IBucket, access: ObjectAccess): void {
  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
  ];
  if (access.read?.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: access.read.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  if (access.write?.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: access.write.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
}
