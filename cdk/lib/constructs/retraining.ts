/**
 * Retraining: the train task definition, run by an EventBridge Scheduler schedule on the GPU
 * capacity provider (or Fargate), and on demand by `galspin retrain`, which calls ecs:RunTask with
 * the cluster, task definition, subnets and security group this construct exports as outputs.
 */
import { CfnOutput, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantFromTable } from '../grants.ts';
import type { Compute } from './compute.ts';
import { GalspinTask } from './containers.ts';
import type { Network } from './network.ts';

export interface RetrainingProps {
  readonly environment: string;
  readonly network: Network;
  readonly compute: Compute;
  readonly image: ecs.ContainerImage;
  readonly cpuOnly: boolean;
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly classifyQueue: sqs.IQueue;
  readonly taskEnv: Record<string, string>;
  /** EventBridge Scheduler expression, e.g. `cron(0 3 ? * SUN *)`. */
  readonly schedule: string;
  readonly removalPolicy: RemovalPolicy;
}

/** CloudFormation output names read by `galspin retrain` (`aws cloudformation describe-stacks`). */
export const RETRAIN_OUTPUTS = {
  cluster: 'RetrainCluster',
  taskDefinition: 'RetrainTaskDefinition',
  subnets: 'RetrainSubnets',
  securityGroup: 'RetrainSecurityGroup',
  capacityProvider: 'RetrainCapacityProvider',
} as const;

export class Retraining extends Construct {
  readonly task: GalspinTask;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: RetrainingProps) {
    super(scope, id);
    this.task = new GalspinTask(this, 'Task', {
      kind: 'train',
      environment: props.environment,
      image: props.image,
      cpuOnly: props.cpuOnly,
      env: props.taskEnv,
      removalPolicy: props.removalPolicy,
    });
    grantFromTable(this.task.taskDefinition.taskRole, 'train', {
      bucket: props.bucket,
      table: props.table,
      queues: { classify: props.classifyQueue },
    });

    const common = {
      taskDefinition: this.task.taskDefinition,
      capacityProviderStrategies: props.compute.capacityProviderStrategies,
      vpcSubnets: props.network.subnets,
      securityGroups: [props.compute.taskSecurityGroup],
      enableEcsManagedTags: true,
      propagateTags: true,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    };
    const target = props.cpuOnly
      ? new targets.EcsRunFargateTask(props.compute.cluster, common)
      : new targets.EcsRunEc2Task(props.compute.cluster, common);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: `galspin-${props.environment}-retrain`,
      description: 'galspin: retrain, evaluate, promote only if better on the same test split',
      schedule: scheduler.ScheduleExpression.expression(props.schedule),
      target,
    });
    this.schedule.node.addDependency(props.compute.cluster);

    const out = (name: string, value: string, description: string) =>
      new CfnOutput(scope, name, { value, description });
    out(RETRAIN_OUTPUTS.cluster, props.compute.cluster.clusterName, 'ECS cluster for galspin retrain');
    out(RETRAIN_OUTPUTS.taskDefinition, this.task.taskDefinition.taskDefinitionArn, 'train task definition');
    out(
      RETRAIN_OUTPUTS.subnets,
      props.network.vpc.selectSubnets(props.network.subnets).subnetIds.join(','),
      'subnets for the awsvpc task (comma-separated)',
    );
    out(
      RETRAIN_OUTPUTS.securityGroup,
      props.compute.taskSecurityGroup.securityGroupId,
      'task security group',
    );
    out(
      RETRAIN_OUTPUTS.capacityProvider,
      props.compute.capacityProviderStrategies[0].capacityProvider,
      'capacity provider for RunTask',
    );
  }
}
