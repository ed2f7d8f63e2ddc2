/**
 * Every cdk-nag (AwsSolutions) finding this app accepts, each with its reason, in one place.
 * Acknowledgements sit on the construct that raises the finding, and IAM5 ones name the exact
 * finding (`AwsSolutions-IAM5[Resource::…]`), so a new wildcard anywhere still fails synth.
 */
import type { Stack } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Compute } from './constructs/compute.ts';
import type { Ingest } from './constructs/ingest.ts';
import type { QueryApi } from './constructs/results.ts';
import type { Retraining } from './constructs/retraining.ts';
import type { InferWorker } from './constructs/worker.ts';

/** The constructs whose findings are acknowledged: the stack's, named structurally (no cycle). */
export interface FindingSources extends Stack {
  ingest: Ingest;
  query: QueryApi;
  worker: InferWorker;
  retraining: Retraining;
  compute: Compute;
}

const ack = (scope: IConstruct | undefined, id: string, reason: string): void => {
  if (scope) Validations.of(scope).acknowledge({ id, reason });
};

export function acknowledgeFindings(stack: FindingSources): void {
  // Prefix-scoped S3 ARNs and table GSIs are acknowledged where they are granted (grants.ts).
  for (const fn of [stack.ingest.preprocess, stack.query.handler]) {
    ack(
      fn,
      'AwsSolutions-L1',
      'Pinned to Node.js 22 (LTS, the esbuild target and the version the shells are tested on); raising it is a deliberate, tested change.',
    );
  }

  for (const task of [stack.worker.task, stack.retraining.task]) {
    ack(
      task.taskDefinition,
      'AwsSolutions-ECS2',
      'Environment holds resource names, queue URLs, thresholds and tuning only; no secrets (the task role supplies credentials).',
    );
    if (task.taskDefinition.executionRole) {
      ack(
        task.taskDefinition.executionRole,
        'AwsSolutions-IAM5[Resource::*]',
        'ecr:GetAuthorizationToken only supports Resource "*"; image pulls and log writes are scoped to their ARNs.',
      );
    }
  }

  const instanceRole = stack.compute.instanceRole;
  if (instanceRole) {
    ack(
      instanceRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ECS container agent (compute.ts agentStatements): ecs:DiscoverPollEndpoint has no resource type, ecs:Poll/StartTelemetrySession name a container instance unknown before registration and are pinned to this cluster by ecs:cluster; all only from this VPC (aws:Ec2InstanceSourceVpc).',
    );
  }
  ack(
    stack.compute.autoScalingGroup,
    'AwsSolutions-AS3',
    'The GPU group scales to and from zero with every batch by design; ECS capacity-provider events and the queue alarms cover operations, and e-mail per scaling event would be noise.',
  );

  // The scheduler target's role tags the tasks it starts; their ARNs only exist after RunTask.
  for (const child of stack.node.children) {
    if (child.node.id.startsWith('SchedulerRoleForTarget')) {
      ack(
        child,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<${stack.getLogicalId(stack.compute.cluster.node.defaultChild as never)}>/*]`,
        'ecs:TagResource on tasks of this cluster started by the schedule; task ids are unknown until RunTask.',
      );
    }
    if (child.node.id.startsWith('BucketNotificationsHandler')) {
      ack(
        child,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK-internal custom resource that writes the bucket notification configuration at deploy time; it only logs.',
      );
    }
  }
}
