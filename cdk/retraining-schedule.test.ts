import { describe, expect, it } from 'vitest';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';
import { RETRAIN_OUTPUTS } from './lib/constructs/retraining.ts';

const schedule = 'cron(30 2 ? * MON *)';
const { json } = synthGalspin({ retrainSchedule: schedule });
const [[, sched]] = resourcesOf(json, 'AWS::Scheduler::Schedule');
const trainTaskId = resourcesOf(json, 'AWS::ECS::TaskDefinition').find(([id]) =>
  id.startsWith('Retraining'),
)![0];
const clusterId = resourcesOf(json, 'AWS::ECS::Cluster')[0][0];
const capacityProviderId = resourcesOf(json, 'AWS::ECS::CapacityProvider')[0][0];

describe('retraining schedule target', () => {
  it('runs the train task definition on the cluster at the configured cron', () => {
    expect(sched.Properties.ScheduleExpression).toBe(schedule);
    expect(sched.Properties.State).toBe('ENABLED');
    expect(sched.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [clusterId, 'Arn'] });
    expect(sched.Properties.Target.EcsParameters.TaskDefinitionArn).toEqual({ Ref: trainTaskId });
  });

  it('uses the GPU capacity provider in the isolated subnets, with retries', () => {
    const ecs = sched.Properties.Target.EcsParameters;
    expect(ecs.CapacityProviderStrategy).toEqual([
      { CapacityProvider: { Ref: capacityProviderId }, Weight: 1 },
    ]);
    expect(ecs.LaunchType).toBeUndefined();
    expect(ecs.NetworkConfiguration.AwsvpcConfiguration.Subnets.length).toBeGreaterThan(0);
    expect(ecs.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBeUndefined();
    expect(sched.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(2);
  });

  it('lets the scheduler role run exactly this task and pass only its two roles', () => {
    const roleId = sched.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const policy = resourcesOf(json, 'AWS::IAM::Policy').find(([, p]) =>
      p.Properties.Roles.some((r: Json) => r.Ref === roleId),
    )!;
    const statements = policy[1].Properties.PolicyDocument.Statement as Json[];
    const run = statements.find((s) => s.Action === 'ecs:RunTask');
    expect(run.Resource).toEqual({ Ref: trainTaskId });
    const pass = statements.find((s) => s.Action === 'iam:PassRole');
    expect(pass.Resource).toHaveLength(2);
  });

  it('exports what `galspin retrain` needs for ecs:RunTask', () => {
    for (const name of Object.values(RETRAIN_OUTPUTS)) expect(json.Outputs[name]).toBeDefined();
    expect(json.Outputs[RETRAIN_OUTPUTS.taskDefinition].Value).toEqual({ Ref: trainTaskId });
    expect(json.Outputs[RETRAIN_OUTPUTS.capacityProvider].Value).toEqual({ Ref: capacityProviderId });
  });

  it('gives the train task one GPU and write access to models/ only (cdk/lib/actions.ts)', () => {
    const task = json.Resources[trainTaskId].Properties;
    expect(task.ContainerDefinitions[0].ResourceRequirements).toEqual([{ Type: 'GPU', Value: '1' }]);
    expect(task.ContainerDefinitions[0].Command).toEqual(['tasks/train.mjs']);
    const roleId = task.TaskRoleArn['Fn::GetAtt'][0];
    const policy = resourcesOf(json, 'AWS::IAM::Policy').find(([, p]) =>
      p.Properties.Roles.some((r: Json) => r.Ref === roleId),
    )!;
    const puts = (policy[1].Properties.PolicyDocument.Statement as Json[]).filter((s) =>
      [s.Action].flat().includes('s3:PutObject'),
    );
    const prefixes = puts.flatMap((s) => [s.Resource].flat()).map((r: Json) => r['Fn::Join'][1][1]);
    // Nothing in the train task's code writes reports/ (retrain.ts saves and promotes models only).
    expect(prefixes.sort()).toEqual(['/models/*']);
  });
});
