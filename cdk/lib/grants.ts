/**
 * Least-privilege grants with their cdk-nag acknowledgements attached to exactly what they grant.
 * S3: exact actions on prefix-scoped object ARNs (the L2 `bucket.grant*` helpers add wildcard actions
 * such as `s3:GetObject*`, `s3:List*`, `s3:DeleteObject*`, which this app avoids on data).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

export interface ObjectAccess {
  /** Prefixes (with trailing `/`) whose objects may be read. */
  readonly read?: readonly string[];
  /** Prefixes whose objects may be written (overwrite included). */
  readonly write?: readonly string[];
}

/** The IAM5 finding id cdk-nag gives an ARN built from a resource's `Arn` attribute plus a suffix. */
export function arnFinding(resource: IConstruct, suffix: string): string {
  const logicalId = Stack.of(resource).getLogicalId(resource.node.defaultChild as never);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${suffix}]`;
}

/** The construct that carries a grantee's policy (a role), for acknowledgements. */
function policyHolder(grantee: iam.IGrantable): IConstruct | undefined {
  const p = grantee.grantPrincipal;
  return p instanceof iam.Role ? p : undefined;
}

/**
 * Reads via GetObject (HeadObject is authorised by it), writes via PutObject, and ListBucket on the
 * bucket itself so that a missing key answers 404 instead of 403 (the BlobStore's `head` contract).
 */
export function grantObjects(grantee: iam.IGrantable, bucket: s3.IBucket, access: ObjectAccess): void {
  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
  ];
  const read = access.read ?? [];
  const write = access.write ?? [];
  if (read.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: read.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  if (write.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: write.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
  }
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  const holder = policyHolder(grantee);
  if (!holder) return;
  for (const prefix of new Set([...read, ...write])) {
    Validations.of(holder).acknowledge({
      id: arnFinding(bucket, `/${prefix}*`),
      reason: `Object ARNs under ${prefix} of the data bucket only: keys there are per galaxy or per model version and not known in advance. Actions are exact (GetObject/PutObject), never s3:*.`,
    });
  }
}

/** DynamoDB data-plane grants (exact action names from the L2 helpers) on the table and its GSIs. */
export function grantTable(
  grantee: iam.IGrantable,
  table: dynamodb.ITable,
  mode: 'read' | 'readWrite',
): void {
  if (mode === 'read') table.grantReadData(grantee);
  else table.grantReadWriteData(grantee);
  const holder = policyHolder(grantee);
  if (holder) {
    Validations.of(holder).acknowledge({
      id: arnFinding(table, '/index/*'),
      reason:
        "The results table's own GSIs (table/<name>/index/*): a Query on a GSI is authorised against the index ARN.",
    });
  }
}
