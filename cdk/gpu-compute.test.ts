import { describe, expect, it } from 'vitest';
import { TIMEOUTS } from '../src/config/index.ts';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';
import { backlogSteps } from './lib/constructs/scaling.ts';

const { json, template } = synthGalspin({ maxTasks: 3, backlogPerTask: 200 });
const one = (type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return { id: all[0][0], props: all[0][1].Properties };
};

describe('GPU capacity: launch template with the ECS GPU AMI, managed scaling from zero', () => {
  it('builds the Auto Scaling group from a launch template, never a launch configuration', () => {
    expect(resourcesOf(json, 'AWS::AutoScaling::LaunchConfiguration')).toHaveLength(0);
    const lt = one('AWS::EC2::LaunchTemplate');
    const asg = one('AWS::AutoScaling::AutoScalingGroup');
    expect(asg.props.LaunchTemplate.LaunchTemplateId).toEqual({ Ref: lt.id });
    expect(asg.props.MinSize).toBe('0');
    expect(asg.props.MaxSize).toBe('3');
    expect(asg.props.NewInstancesProtectedFromScaleIn).toBe(true);
  });

  it('boots the ECS GPU-optimised Amazon Linux 2 AMI, resolved from SSM at deploy time (no synth lookup)', () => {
    const lt = one('AWS::EC2::LaunchTemplate').props.LaunchTemplateData;
    const param = json.Parameters[lt.ImageId.Ref];
    expect(param).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id',
    });
    expect(lt.InstanceType).toBe('g4dn.xlarge');
    expect(lt.MetadataOptions.HttpTokens).toBe('required');
    expect(lt.BlockDeviceMappings[0].Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
    const userData = JSON.stringify(lt.UserData);
    expect(userData).toContain('ECS_ENABLE_GPU_SUPPORT=true');
    expect(userData).toContain(`ECS_CONTAINER_STOP_TIMEOUT=${TIMEOUTS.workerStopTimeoutSeconds}s`);
  });

  it('attaches the group as a capacity provider with managed scaling and termination protection', () => {
    const cp = one('AWS::ECS::CapacityProvider').props.AutoScalingGroupProvider;
    expect(cp.ManagedScaling).toMatchObject({ Status: 'ENABLED', TargetCapacity: 100 });
    expect(cp.ManagedTerminationProtection).toBe('ENABLED');
  });
});

describe('infer-worker: one GPU per task, scaled on classify backlog down to zero', () => {
  const workerTask = resourcesOf(json, 'AWS::ECS::TaskDefinition').find(([id]) =>
    id.startsWith('InferWorker'),
  )![1];
  const container = workerTask.Properties.ContainerDefinitions[0];

  it('reserves one GPU and stops gracefully within one batch', () => {
    expect(container.ResourceRequirements).toEqual([{ Type: 'GPU', Value: '1' }]);
    expect(container.StopTimeout).toBe(TIMEOUTS.workerStopTimeoutSeconds);
    expect(container.StopTimeout).toBeLessThan(TIMEOUTS.classifyVisibilitySeconds);
    expect(workerTask.Properties.RequiresCompatibilities).toEqual(['EC2']);
    expect(container.ReadonlyRootFilesystem).toBe(true);
  });

  it('places the service on the GPU capacity provider, starting at zero tasks', () => {
    const svc = one('AWS::ECS::Service');
    const cp = one('AWS::ECS::CapacityProvider');
    expect(svc.props.CapacityProviderStrategy).toEqual([{ CapacityProvider: { Ref: cp.id }, Weight: 1 }]);
    expect(svc.props.DesiredCount).toBe(0);
    // CloudFormation must associate the capacity provider with the cluster before creating the service.
    const [[association]] = resourcesOf(json, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(json.Resources[svc.id].DependsOn).toContain(association);
    expect(svc.props.LaunchType).toBeUndefined();
  });

  it('scales between 0 and maxTasks with exact capacities from backlog per task', () => {
    const target = one('AWS::ApplicationAutoScaling::ScalableTarget').props;
    expect(target).toMatchObject({
      MinCapacity: 0,
      MaxCapacity: 3,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const policies = resourcesOf(json, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(
      ([, p]) => p.Properties,
    );
    const out = policies.find((p) => p.PolicyName.includes('ScaleOut'))!.StepScalingPolicyConfiguration;
    const inn = policies.find((p) => p.PolicyName.includes('ScaleIn'))!.StepScalingPolicyConfiguration;
    expect(out.AdjustmentType).toBe('ExactCapacity');
    expect(out.StepAdjustments).toEqual([
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 199, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 199, MetricIntervalUpperBound: 399, ScalingAdjustment: 2 },
      { MetricIntervalLowerBound: 399, ScalingAdjustment: 3 },
    ]);
    expect(inn).toMatchObject({
      AdjustmentType: 'ExactCapacity',
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 0 }],
    });
  });

  it('drives both policies from visible + in-flight messages of the classify queue', () => {
    const classifyId = resourcesOf(json, 'AWS::SQS::Queue').find(
      ([, q]) => q.Properties.QueueName === 'galspin-dev-classify',
    )![0];
    const alarms = resourcesOf(json, 'AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith('InferWorkerScaling'),
    );
    expect(alarms).toHaveLength(2);
    for (const [, a] of alarms) {
      const expr = a.Properties.Metrics.find((m: Json) => m.Expression);
      expect(expr.Expression).toBe('visible + inFlight');
      const names = a.Properties.Metrics.filter((m: Json) => m.MetricStat)
        .map((m: Json) => m.MetricStat.Metric.MetricName)
        .sort();
      expect(names).toEqual(['ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesVisible']);
      for (const m of a.Properties.Metrics.filter((x: Json) => x.MetricStat)) {
        expect(m.MetricStat.Metric.Dimensions).toEqual([
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [classifyId, 'QueueName'] } },
        ]);
      }
    }
    const idle = alarms.find(([id]) => id.includes('Idle'))![1].Properties;
    expect(idle).toMatchObject({
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 0,
      TreatMissingData: 'breaching',
    });
    template.resourceCountIs('AWS::ECS::Service', 1);
  });

  it('computes contiguous backlog bands ending open at maxTasks', () => {
    expect(backlogSteps(1, 100)).toEqual([{ fromMessages: 1, toMessages: undefined, tasks: 1 }]);
    const steps = backlogSteps(4, 50);
    expect(steps.map((s) => s.tasks)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < steps.length; i++) expect(steps[i].fromMessages).toBe(steps[i - 1].toMessages);
    expect(steps.at(-1)!.toMessages).toBeUndefined();
  });
});
