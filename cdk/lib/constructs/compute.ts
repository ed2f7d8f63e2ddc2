/**
 * Compute: an ECS cluster whose GPU capacity is an Auto Scaling group built from a launch template
 * (ECS GPU-optimised Amazon Linux 2 AMI, resolved at deploy time from the public SSM parameter, so
 * synth needs no lookup), attached as a capacity provider with managed scaling from zero. With
 * `cpuOnly` the cluster has no instances and tasks run on Fargate.
 */
import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TIMEOUTS } from '../../../src/config/index.ts';

export interface ComputeProps {
  readonly environment: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** g4dn.xlarge or g5.xlarge: one GPU each; ignored when cpuOnly. */
  readonly instanceType: string;
  /** Upper bound of GPU instances (one task per GPU). */
  readonly maxInstances: number;
  readonly cpuOnly: boolean;
}

/** Root volume: the GPU AMI plus a ~4 GB CUDA/TensorFlow image, with room for one image update. */
export const GPU_ROOT_VOLUME_GIB = 80;

/** ECS agent settings appended to /etc/ecs/ecs.config on GPU instances. */
export const ECS_AGENT_CONFIG = [
  'ECS_ENABLE_GPU_SUPPORT=true',
  // Containers never see the instance role: tasks use their task roles.
  'ECS_AWSVPC_BLOCK_IMDS=true',
  `ECS_CONTAINER_STOP_TIMEOUT=${TIMEOUTS.workerStopTimeoutSeconds}s`,
  // The CUDA image is large; reuse the cached copy when the tag's digest is unchanged.
  'ECS_IMAGE_PULL_BEHAVIOR=prefer-cached',
] as const;

export class Compute extends Construct {
  readonly cluster: ecs.Cluster;
  /** Security group of every galspin task (egress only, to the VPC endpoints). */
  readonly taskSecurityGroup: ec2.SecurityGroup;
  readonly gpuCapacity?: ecs.AsgCapacityProvider;
  readonly launchTemplate?: ec2.LaunchTemplate;
  /** The GPU instances' role: the ECS container agent's calls only (see {@link agentStatements}). */
  readonly instanceRole?: iam.Role;
  readonly autoScalingGroup?: autoscaling.AutoScalingGroup;
  readonly instanceSecurityGroup?: ec2.SecurityGroup;

  private readonly vpcId?: string;

  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);
    this.vpcId = props.vpc.vpcId;
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: `galspin-${props.environment}`,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: props.cpuOnly,
    });
    this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'galspin tasks: no ingress; HTTPS egress to VPC endpoints',
      allowAllOutbound: false,
    });
    // Gateway endpoints (S3, DynamoDB) have no fixed CIDR; the subnets have no internet route, so
    // 0.0.0.0/0 on 443 reaches only the endpoints.
    this.taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'VPC endpoints only');
    if (props.cpuOnly) return;

    const instanceRole = new iam.Role(this, 'GpuInstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'ECS container agent on galspin GPU instances',
    });
    for (const statement of agentStatements(this.cluster.clusterArn, props.vpc.vpcId)) {
      instanceRole.addToPrincipalPolicy(statement);
    }
    this.instanceRole = instanceRole;
    const instanceSecurityGroup = new ec2.SecurityGroup(this, 'GpuInstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'galspin GPU instances: no ingress; HTTPS egress to VPC endpoints',
      allowAllOutbound: false,
    });
    instanceSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'VPC endpoints (no route to the internet exists)',
    );

    const userData = ec2.UserData.forLinux();
    userData.addCommands(...ECS_AGENT_CONFIG.map((line) => `echo '${line}' >> /etc/ecs/ecs.config`));
    this.launchTemplate = new ec2.LaunchTemplate(this, 'GpuLaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2(ecs.AmiHardwareType.GPU),
      instanceType: new ec2.InstanceType(props.instanceType),
      // Cluster.addAsgCapacityProvider adds its own agent statements to the group's role, with
      // logs and ECR on "*" and no condition; the template gets a view of the role that ignores
      // them, and the role holds agentStatements() instead.
      role: instanceRole.withoutPolicyUpdates(),
      userData,
      securityGroup: instanceSecurityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      ebsOptimized: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(GPU_ROOT_VOLUME_GIB, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'GpuAsg', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      launchTemplate: this.launchTemplate,
      minCapacity: 0,
      maxCapacity: props.maxInstances,
      // Managed termination protection needs instances protected from plain ASG scale-in.
      newInstancesProtectedFromScaleIn: true,
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(5) }),
    });
    this.gpuCapacity = new ecs.AsgCapacityProvider(this, 'GpuCapacity', {
      capacityProviderName: `galspin-${props.environment}-gpu`,
      autoScalingGroup: this.autoScalingGroup,
      machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
      enableManagedScaling: true,
      // 100 %: no idle spare instance; the fleet is empty when no task needs a GPU.
      targetCapacityPercent: 100,
      enableManagedTerminationProtection: true,
      enableManagedDraining: true,
      minimumScalingStepSize: 1,
      maximumScalingStepSize: props.maxInstances,
      instanceWarmupPeriod: 300,
    });
    this.cluster.addAsgCapacityProvider(this.gpuCapacity);
    this.instanceSecurityGroup = instanceSecurityGroup;
  }

  /**
   * Lets the agent write the tasks' awslogs streams with instance credentials. With a task
   * execution role (every galspin task has one) the agent hands the execution role's credentials
   * to the log driver; this covers agents that fall back to the instance role, on these groups only.
   */
  grantAgentLogs(groups: logs.ILogGroup[]): void {
    if (!this.instanceRole || !this.vpcId) return;
    this.instanceRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: groups.map((g) => g.logGroupArn),
        conditions: fromTheVpc(this.vpcId),
      }),
    );
  }

  /** Security groups that call AWS APIs from inside the VPC (tasks, and the GPU instances' agent). */
  get clientSecurityGroups(): ec2.ISecurityGroup[] {
    return this.instanceSecurityGroup
      ? [this.taskSecurityGroup, this.instanceSecurityGroup]
      : [this.taskSecurityGroup];
  }

  /** Capacity provider strategy for every galspin task: the GPU fleet, or Fargate when cpuOnly. */
  get capacityProviderStrategies(): ecs.CapacityProviderStrategy[] {
    return [{ capacityProvider: this.gpuCapacity?.capacityProviderName ?? 'FARGATE', weight: 1 }];
  }
}

/**
 * Requests signed with this role's credentials count only from an instance in the galspin VPC
 * (`aws:Ec2InstanceSourceVpc`, present whenever EC2 instance-role credentials sign a request), so
 * credentials lifted off an instance are useless elsewhere.
 */
function fromTheVpc(vpcId: string): Record<string, Record<string, string>> {
  return { StringEquals: { 'aws:Ec2InstanceSourceVpc': vpcId } };
}

/**
 * The ECS container agent's calls on a galspin GPU instance, from AmazonEC2ContainerServiceforEC2Role
 * minus what this deployment does not use: no ECR (images are pulled with the task execution roles,
 * which hold the repository-scoped pull actions; CDK's default token grant on "*" came without any
 * layer action, so it could pull nothing), no logs on "*" (see Compute.grantAgentLogs), no
 * ecs:CreateCluster, ec2:DescribeTags, UpdateContainerInstancesState or TagResource (no instance
 * tags, no spot draining). ecs:Submit* is spelt out. ecs:DiscoverPollEndpoint has no resource type,
 * and ecs:Poll/StartTelemetrySession name the container instance, unknown until it registers, so
 * those take "*" (as in the managed policy), the latter pinned to this cluster by `ecs:cluster`.
 */
export function agentStatements(clusterArn: string, vpcId: string): iam.PolicyStatement[] {
  const vpc = fromTheVpc(vpcId);
  return [
    new iam.PolicyStatement({
      actions: [
        'ecs:RegisterContainerInstance',
        'ecs:DeregisterContainerInstance',
        'ecs:SubmitContainerStateChange',
        'ecs:SubmitTaskStateChange',
        'ecs:SubmitAttachmentStateChanges',
      ],
      resources: [clusterArn],
      conditions: vpc,
    }),
    new iam.PolicyStatement({
      actions: ['ecs:Poll', 'ecs:StartTelemetrySession'],
      resources: ['*'],
      conditions: { ...vpc, ArnEquals: { 'ecs:cluster': clusterArn } },
    }),
    new iam.PolicyStatement({ actions: ['ecs:DiscoverPollEndpoint'], resources: ['*'], conditions: vpc }),
  ];
}
