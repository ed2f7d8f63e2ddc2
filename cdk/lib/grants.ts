/**
 * Least-privilege grants from the action table (actions.ts), with their cdk-nag acknowledgements
 * attached to exactly what they grant. The L2 `grant*` helpers are avoided on data: they add
 * wildcard or unused actions (`s3:GetObject*`, `s3:List*`, `dynamodb:Scan`, `BatchWriteItem`…).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { type AppRole, ROLE_ACTIONS, type Target } from './actions.ts';

/** What the rows of the action table (actions.ts) resolve against. */
export interface GrantResources {
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly queues: { readonly ingest?: sqs.IQueue; readonly classify?: sqs.IQueue };
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

function statementFor(actions: readonly string[], on: Target, r: GrantResources): iam.PolicyStatement {
  const base = { actions: [...actions] };
  if ('objects' in on) {
    // A prefix ends in `/` and covers the objects under it; anything else is one exact key.
    const arns = on.objects.map((p) => r.bucket.arnForObjects(p.endsWith('/') ? `${p}*` : p));
    return new iam.PolicyStatement({ ...base, resources: arns });
  }
  if ('listPrefixes' in on) {
    return new iam.PolicyStatement({
      ...base,
      resources: [r.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...on.listPrefixes] } },
    });
  }
  if ('table' in on) return new iam.PolicyStatement({ ...base, resources: [r.table.tableArn] });
  if ('indexes' in on) {
    const arns = on.indexes.map((name) => `${r.table.tableArn}/index/${name}`);
    return new iam.PolicyStatement({ ...base, resources: arns });
  }
  const queue = r.queues[on.queue];
  if (!queue) throw new Error(`grant on the ${on.queue} queue, which was not passed to grantFromTable`);
  return new iam.PolicyStatement({ ...base, resources: [queue.queueArn] });
}

/**
 * Grants `role` exactly the rows of its action table (actions.ts), scoped to their resources, and
 * acknowledges the one wildcard that remains: object ARNs under a prefix.
 */
export function grantFromTable(grantee: iam.IGrantable, role: AppRole, r: GrantResources): void {
  const prefixes = new Set<string>();
  for (const row of ROLE_ACTIONS[role].grants) {
    grantee.grantPrincipal.addToPrincipalPolicy(statementFor(row.actions, row.on, r));
    if ('objects' in row.on) for (const p of row.on.objects) if (p.endsWith('/')) prefixes.add(p);
  }
  const holder = policyHolder(grantee);
  if (!holder) return;
  for (const prefix of prefixes) {
    Validations.of(holder).acknowledge({
      id: arnFinding(r.bucket, `/${prefix}*`),
      reason: `Object ARNs under ${prefix} of the data bucket only: keys there are per galaxy or per model version and not known in advance. Actions are exact (cdk/lib/actions.ts), never s3:*.`,
    });
  }
}
