import { describe, expect, it } from 'vitest';
import { allStatements, type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';
import { actionsOf as actionsOfTable } from './lib/actions.ts';

/** Services that hold galspin's data: no wildcard actions on them, anywhere. */
const DATA_SERVICES = ['s3', 'dynamodb', 'sqs', 'kms', 'sns'];

const dev = synthGalspin();
const prod = synthGalspin({ environment: 'prod' });

const actionsOf = (s: Json): string[] => [s.Action ?? s.NotAction ?? []].flat();

/** The deny-non-TLS statements use s3:* / sqs:* / sns:* as a Deny: that narrows, it grants nothing. */
const grants = (json: Json) => allStatements(json).filter(({ statement }) => statement.Effect === 'Allow');

describe('no wildcard data actions', () => {
  it('grants no "*" action and no service-wide wildcard anywhere', () => {
    for (const { source, statement } of grants(dev.json)) {
      for (const action of actionsOf(statement)) {
        expect(action, `${source}: ${action}`).not.toBe('*');
        expect(action, `${source}: ${action}`).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
  });

  it('names exact actions on data services in prod (no Get*, List*, Delete* patterns)', () => {
    const offenders = grants(prod.json).flatMap(({ source, statement }) =>
      actionsOf(statement)
        .filter((a) => DATA_SERVICES.includes(a.split(':')[0]) && a.includes('*'))
        .map((a) => `${source}: ${a}`),
    );
    expect(offenders).toEqual([]);
  });

  it('in dev, allows wildcard data actions only to the CDK auto-delete custom resource', () => {
    const offenders = grants(dev.json).flatMap(({ source, statement }) =>
      actionsOf(statement)
        .filter((a) => DATA_SERVICES.includes(a.split(':')[0]) && a.includes('*'))
        .map((a) => ({ source, a, principal: JSON.stringify(statement.Principal ?? {}) })),
    );
    expect(offenders.length).toBeGreaterThan(0);
    for (const o of offenders) {
      expect(o.principal, `${o.source}: ${o.a}`).toMatch(
        /CustomS3AutoDeleteObjectsCustomResourceProviderRole/,
      );
    }
  });

  it('never grants DeleteObject on the data bucket to pipeline roles', () => {
    const deletes = grants(prod.json).filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('s3:Delete')),
    );
    expect(deletes).toEqual([]);
  });

  it('puts no secret-looking variable into any Lambda or task environment', () => {
    const env: [string, string][] = [];
    for (const [id, fn] of resourcesOf(dev.json, 'AWS::Lambda::Function'))
      for (const k of Object.keys(fn.Properties.Environment?.Variables ?? {})) env.push([id, k]);
    for (const [id, td] of resourcesOf(dev.json, 'AWS::ECS::TaskDefinition'))
      for (const c of td.Properties.ContainerDefinitions)
        for (const e of c.Environment ?? []) env.push([id, e.Name]);
    expect(env.length).toBeGreaterThan(10);
    for (const [id, name] of env) expect(name, id).not.toMatch(/SECRET|PASSWORD|TOKEN|ACCESS_KEY|PRIVATE/i);
  });
});

/** The Allow actions of every identity policy attached to one role, sorted and unique. */
function roleActions(s: typeof dev, role: import('aws-cdk-lib/aws-iam').IRole): string[] {
  const id = s.stack.getLogicalId(role.node.defaultChild as never);
  return [
    ...new Set(
      resourcesOf(s.json, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === id))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.filter((st: Json) => st.Effect === 'Allow'))
        .flatMap(actionsOf),
    ),
  ].sort();
}

const LAMBDA_LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

describe('each role gets exactly the actions its code calls (cdk/lib/actions.ts)', () => {
  const st = dev.stack;
  it('preprocess: reads incoming/ and maps/, writes maps/, gets and puts rows, sends to classify, is polled from ingest', () => {
    expect(roleActions(dev, st.ingest.preprocess.role!)).toEqual(
      [
        ...LAMBDA_LOGS,
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(roleActions(dev, st.ingest.preprocess.role!)).toEqual(
      [...LAMBDA_LOGS, ...actionsOfTable('preprocess')].sort(),
    );
  });

  it('query: Query on the table and its two GSIs, and the champion pointer only', () => {
    expect(roleActions(dev, st.query.handler.role!)).toEqual(
      [...LAMBDA_LOGS, 'dynamodb:Query', 's3:GetObject', 's3:ListBucket'].sort(),
    );
    expect(roleActions(dev, st.query.handler.role!)).toEqual(
      [...LAMBDA_LOGS, ...actionsOfTable('query')].sort(),
    );
  });

  it('infer worker: reads maps/ and models/, writes attributions/, consumes classify, gets and puts rows', () => {
    const role = st.worker.task.taskDefinition.taskRole;
    expect(roleActions(dev, role)).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'sqs:DeleteMessage',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    expect(roleActions(dev, role)).toEqual(actionsOfTable('inferWorker'));
  });

  it('train: reads maps/, models/, labels/, writes models/, queries the status index, sends to classify', () => {
    const role = st.retraining.task.taskDefinition.taskRole;
    expect(roleActions(dev, role)).toEqual(
      [
        'dynamodb:Query',
        's3:AbortMultipartUpload',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(roleActions(dev, role)).toEqual(actionsOfTable('train'));
  });

  it('GPU instance role: the ECS agent only, from the galspin VPC, logs on the two task log groups', () => {
    const role = st.compute.instanceRole!;
    expect(roleActions(dev, role)).toEqual(
      [
        'ecs:DeregisterContainerInstance',
        'ecs:DiscoverPollEndpoint',
        'ecs:Poll',
        'ecs:RegisterContainerInstance',
        'ecs:StartTelemetrySession',
        'ecs:SubmitAttachmentStateChanges',
        'ecs:SubmitContainerStateChange',
        'ecs:SubmitTaskStateChange',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
    const id = dev.stack.getLogicalId(role.node.defaultChild as never);
    const statements = resourcesOf(dev.json, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === id))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const vpcId = { Ref: dev.stack.getLogicalId(dev.stack.network.vpc.node.defaultChild as never) };
    for (const s of statements) {
      expect(s.Condition?.StringEquals?.['aws:Ec2InstanceSourceVpc'], JSON.stringify(s.Action)).toEqual(
        vpcId,
      );
      if (s.Resource === '*') {
        expect([s.Action].flat().sort()).toEqual(
          s.Condition.ArnEquals ? ['ecs:Poll', 'ecs:StartTelemetrySession'] : ['ecs:DiscoverPollEndpoint'],
        );
      }
    }
    const logs = statements.find((s: Json) => [s.Action].flat().includes('logs:PutLogEvents'));
    expect(logs.Resource).toEqual(
      [st.worker.task.logGroup, st.retraining.task.logGroup].map((g) => ({
        'Fn::GetAtt': [dev.stack.getLogicalId(g.node.defaultChild as never), 'Arn'],
      })),
    );
    // No ECR: images are pulled with the task execution roles.
    expect(roleActions(dev, role).some((a) => a.startsWith('ecr:'))).toBe(false);
  });

  it('limits every ListBucket to the prefixes its role reads, and no data grant reaches the whole bucket', () => {
    const bucketId = dev.stack.getLogicalId(dev.stack.storage.bucket.node.defaultChild as never);
    for (const { source, statement } of grants(dev.json)) {
      const actions = actionsOf(statement);
      // Identity policies only (bucket policies name a Principal); the notifications handler is
      // CDK's deploy-time custom resource.
      if (statement.Principal || source.startsWith('StorageDataNotifications')) continue;
      if (!actions.some((a) => a.startsWith('s3:'))) continue;
      if (actions.includes('s3:ListBucket')) {
        expect(actions, source).toEqual(['s3:ListBucket']);
        expect(statement.Condition?.StringLike?.['s3:prefix'], source).toEqual(expect.any(Array));
      } else {
        for (const r of [statement.Resource].flat()) {
          const text = JSON.stringify(r);
          expect(text, source).toMatch(new RegExp(`${bucketId}.*"/[a-z]+/`));
        }
      }
    }
  });
});
