/**
 * The infer-worker: an ECS service on the GPU capacity provider (or Fargate), one GPU per task,
 * scaled on classify-queue backlog between minTasks (default 0) and maxTasks.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantFromTable } from '../grants.ts';
import type { Compute } from './compute.ts';
import { GalspinTask } from './containers.ts';
import type { Network } from './network.ts';
import { BacklogScaling } from './scaling.ts';

export interface InferWorkerProps {
  readonly environment: string;
  readonly network: Network;
  readonly compute: Compute;
  readonly image: ecs.ContainerImage;
  readonly cpuOnly: boolean;
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly classifyQueue: sqs.IQueue;
  /** Container environment shared by the tasks (names of bucket, queues, table, thresholds). */
  readonly taskEnv: Record<string, string>;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly backlogPerTask: number;
  readonly removalPolicy: RemovalPolicy;
}

export class InferWorker extends Construct {
  readonly task: GalspinTask;
  readonly service: ecs.BaseService;
  readonly scaling: BacklogScaling;

  constructor(scope: Construct, id: string, props: InferWorkerProps) {
    super(scope, id);
    this.task = new GalspinTask(this, 'Task', {
      kind: 'infer-worker',
      environment: props.environment,
      image: props.image,
      cpuOnly: props.cpuOnly,
      env: props.taskEnv,
      removalPolicy: props.removalPolicy,
    });
    const common = {
      cluster: props.compute.cluster,
      serviceName: `galspin-${props.environment}-infer-worker`,
      desiredCount: props.minTasks,
      capacityProviderStrategies: props.compute.capacityProviderStrategies,
      vpcSubnets: props.network.subnets,
      securityGroups: [props.compute.taskSecurityGroup],
      // One GPU per instance: a rolling update may stop the old task before the new one starts.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      enableECSManagedTags: true,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    };
    this.service = props.cpuOnly
      ? new ecs.FargateService(this, 'Service', {
          ...common,
          taskDefinition: this.task.taskDefinition as ecs.FargateTaskDefinition,
        })
      : new ecs.Ec2Service(this, 'Service', {
          ...common,
          taskDefinition: this.task.taskDefinition as ecs.Ec2TaskDefinition,
        });

    // The capacity provider must be associated with the cluster before a service may name it.
    this.service.node.addDependency(props.compute.cluster);

    grantFromTable(this.task.taskDefinition.taskRole, 'inferWorker', {
      bucket: props.bucket,
      table: props.table,
      queues: { classify: props.classifyQueue },
    });

    this.scaling = new BacklogScaling(this, 'Scaling', {
      clusterName: props.compute.cluster.clusterName,
      serviceName: this.service.serviceName,
      queue: props.classifyQueue,
      minTasks: props.minTasks,
      maxTasks: props.maxTasks,
      backlogPerTask: props.backlogPerTask,
    });
    this.scaling.target.node.addDependency(this.service);
  }
}
