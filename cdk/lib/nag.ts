/**
 * Every cdk-nag (AwsSolutions) finding this app accepts, each with its reason, in one place.
 * Acknowledgements sit on the construct that raises the finding, and IAM5 ones name the exact
 * finding (`AwsSolutions-IAM5[Resource::…]`), so a new wildcard anywhere still fails synth.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { GalspinStack } from './galspin-stack.ts';

const ack = (scope: IConstruct | undefined, id: string, reason: string): void => {
  if (scope) Validations.of(scope).acknowledge({ id, reason });
};

/** The IAM5 finding id CDK-nag gives a resource ARN built from a logical id, e.g. `<Bucket.Arn>/maps/*`. */
const resourceFinding = (scope: IConstruct, logicalIdOf: IConstruct, suffix: string): string =>
  `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(logicalIdOf.node.defaultChild as never)}.Arn>${suffix}]`;

const PREFIX_REASON =
  'Object ARNs scoped to one prefix of the data bucket; keys under it are per galaxy and not known in advance. Actions are exact (GetObject/PutObject), never s3:*.';
const INDEX_REASON = "The table's own GSIs (table/<name>/index/*): Query on an index needs the index ARN.";

export function acknowledgeFindings(stack: GalspinStack): void {
  const bucketPrefixes = ['incoming/*', 'maps/*', 'models/*', 'attributions/*', 'labels/*', 'reports/*'];
  const dataRoles: IConstruct[] = [
    stack.ingest.preprocess.role!,
    stack.query.handler.role!,
    stack.worker.task.taskDefinition.taskRole,
    stack.retraining.task.taskDefinition.taskRole,
  ];
  for (const role of dataRoles) {
    for (const prefix of bucketPrefixes) {
      ack(role, resourceFinding(stack, stack.storage.bucket, `/${prefix}`), PREFIX_REASON);
    }
    ack(role, resourceFinding(stack, stack.results.table, '/index/*'), INDEX_REASON);
  }

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

  const instanceRole = stack.compute.launchTemplate?.role;
  if (instanceRole) {
    ack(
      instanceRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ECS container-agent statements added by the ECS construct (as in AmazonEC2ContainerServiceforEC2Role): ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken accept only "*".',
    );
    ack(
      instanceRole,
      'AwsSolutions-IAM5[Action::ecs:Submit*]',
      'ECS container-agent state reporting (SubmitContainerStateChange, SubmitTaskStateChange, SubmitAttachmentStateChanges), scoped to this cluster.',
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
