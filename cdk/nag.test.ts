import { type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthGalspin } from '../test/support/cdk-synth.ts';

const gpu = synthGalspin();
const cpu = synthGalspin({ cpuOnly: true, environment: 'cpu', alarmEmail: 'ops@example.org' });
// Built up front (imports have no test timeout); the wildcard test below adds a grant to it.
const fresh = synthGalspin({ environment: 'nagcheck' });

const violations = (stack: Stack) =>
  new AwsSolutionsChecks(stack)
    .validateScope(stack)
    .violations.map(
      (v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath ?? '').join(', ')}`,
    );

/** Every cdk-nag acknowledgement recorded in the construct tree, with its reason. */
function acknowledgements(stack: Stack): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of stack.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        if (id.includes('AwsSolutions-')) out.push({ path: c.node.path, id, reason });
      }
    }
  }
  return out;
}

describe('cdk-nag AwsSolutions pack', () => {
  it('finds nothing unacknowledged in the GPU deployment', () => {
    expect(violations(gpu.stack)).toEqual([]);
  });

  it('finds nothing unacknowledged in the Fargate (cpuOnly) deployment', () => {
    expect(violations(cpu.stack)).toEqual([]);
  });

  it('gives every acknowledgement a reason and scopes none to the whole stack', () => {
    const acks = acknowledgements(gpu.stack);
    expect(acks.length).toBeGreaterThan(10);
    for (const a of acks) {
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
      expect(a.path, a.id).not.toBe(gpu.stack.node.path);
    }
  });

  it('still fails a new wildcard grant (acknowledgements are per finding, not per rule)', {
    timeout: 180_000,
  }, () => {
    const role = fresh.stack.worker.task.taskDefinition.taskRole;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [fresh.stack.storage.bucket.arnForObjects('*')],
      }),
    );
    expect(violations(fresh.stack).join('\n')).toMatch(
      /AwsSolutions-IAM5\[Resource::<StorageData[0-9A-F]+\.Arn>\/\*\]/,
    );
    // ...and the app's synth (what `cdk synth` runs) refuses it: the pack is a validation plugin.
    expect(() => fresh.app.synth({ force: true })).toThrow(/AwsSolutions-IAM5/);
  });
});
