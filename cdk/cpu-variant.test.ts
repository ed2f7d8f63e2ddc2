import { describe, expect, it } from 'vitest';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';

const cpu = synthGalspin({ cpuOnly: 'true', environment: 'cpu' });
const g5 = synthGalspin({ instanceType: 'g5.xlarge', environment: 'g5', maxTasks: 2 });

describe('cpuOnly context flag: Fargate instead of the GPU fleet', () => {
  const { json } = cpu;

  it('creates no instances: no launch template, Auto Scaling group or EC2 capacity provider', () => {
    for (const type of [
      'AWS::EC2::LaunchTemplate',
      'AWS::AutoScaling::AutoScalingGroup',
      'AWS::ECS::CapacityProvider',
    ]) {
      expect(resourcesOf(json, type), type).toHaveLength(0);
    }
    const [[, assoc]] = resourcesOf(json, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(assoc.Properties.CapacityProviders).toContain('FARGATE');
  });

  it('runs both tasks on Fargate without a GPU requirement, with the CPU backend', () => {
    const tasks = resourcesOf(json, 'AWS::ECS::TaskDefinition').map(([, t]) => t.Properties);
    expect(tasks).toHaveLength(2);
    for (const t of tasks) {
      expect(t.RequiresCompatibilities).toEqual(['FARGATE']);
      expect(t.NetworkMode).toBe('awsvpc');
      const c = t.ContainerDefinitions[0];
      expect(c.ResourceRequirements).toBeUndefined();
      expect(c.Environment.find((e: Json) => e.Name === 'GALSPIN_BACKEND').Value).toBe('wasm');
    }
  });

  it('points the service and the schedule at the FARGATE capacity provider', () => {
    const [[, svc]] = resourcesOf(json, 'AWS::ECS::Service');
    expect(svc.Properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
    const [[, sched]] = resourcesOf(json, 'AWS::Scheduler::Schedule');
    expect(sched.Properties.Target.EcsParameters.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Weight: 1 },
    ]);
  });

  it('drops the ECS agent endpoints that only EC2 instances need', () => {
    const services = (j: Json) =>
      resourcesOf(j, 'AWS::EC2::VPCEndpoint').map(([, e]) => JSON.stringify(e.Properties.ServiceName));
    expect(services(json).some((s) => s.includes('ecs-agent'))).toBe(false);
    expect(services(g5.json).some((s) => s.includes('ecs-agent'))).toBe(true);
    expect(services(json).length).toBe(services(g5.json).length - 3);
  });
});

describe('instanceType context: g5.xlarge', () => {
  it('launches g5.xlarge with the same GPU AMI and caps the fleet at maxTasks', () => {
    const [[, lt]] = resourcesOf(g5.json, 'AWS::EC2::LaunchTemplate');
    expect(lt.Properties.LaunchTemplateData.InstanceType).toBe('g5.xlarge');
    const [[, asg]] = resourcesOf(g5.json, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.Properties.MaxSize).toBe('2');
    expect(g5.json.Parameters[lt.Properties.LaunchTemplateData.ImageId.Ref].Default).toMatch(
      /amazon-linux-2\/gpu\//,
    );
  });
});
