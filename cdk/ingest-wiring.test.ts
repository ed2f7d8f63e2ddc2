import { describe, expect, it } from 'vitest';
import { FITS_SUFFIXES, LIMITS, PREFIX, TIMEOUTS } from '../src/config/index.ts';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';

const { json } = synthGalspin();
const queues = Object.fromEntries(
  resourcesOf(json, 'AWS::SQS::Queue').map(([id, r]) => [r.Properties.QueueName, { id, ...r.Properties }]),
);
const ingest = queues['galspin-dev-ingest'];
const classify = queues['galspin-dev-classify'];
const preprocess = resourcesOf(json, 'AWS::Lambda::Function').find(([id]) =>
  id.startsWith('IngestPreprocess'),
)!;

describe('ingest wiring: S3 notification → ingest queue → preprocess → classify queue, each with a DLQ', () => {
  it('notifies the ingest queue for every FITS suffix under incoming/ only', () => {
    const [[, notifications]] = resourcesOf(json, 'Custom::S3BucketNotifications');
    const configs = notifications.Properties.NotificationConfiguration.QueueConfigurations as Json[];
    expect(configs).toHaveLength(FITS_SUFFIXES.length);
    const filters = configs.map((c) => {
      expect(c.Events).toEqual(['s3:ObjectCreated:*']);
      expect(c.QueueArn).toEqual({ 'Fn::GetAtt': [ingest.id, 'Arn'] });
      return Object.fromEntries(c.Filter.Key.FilterRules.map((r: Json) => [r.Name, r.Value]));
    });
    expect(filters.map((f) => f.prefix)).toEqual(FITS_SUFFIXES.map(() => PREFIX.incoming));
    expect(filters.map((f) => f.suffix).sort()).toEqual([...FITS_SUFFIXES].sort());
    expect(notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations).toBeUndefined();
  });

  it.each([
    ['ingest', 'galspin-dev-ingest'],
    ['classify', 'galspin-dev-classify'],
  ])('dead-letters the %s queue after LIMITS.maxReceiveCount receives into its own DLQ', (_, name) => {
    const q = queues[name];
    const dlq = queues[`${name}-dlq`];
    expect(q.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
      maxReceiveCount: LIMITS.maxReceiveCount,
    });
    expect(LIMITS.maxReceiveCount).toBe(3);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(q.SqsManagedSseEnabled).toBe(true);
  });

  it('keeps a message invisible longer than the preprocess Lambda may run', () => {
    expect(preprocess[1].Properties.Timeout).toBe(TIMEOUTS.preprocessLambdaSeconds);
    expect(ingest.VisibilityTimeout).toBeGreaterThan(preprocess[1].Properties.Timeout);
    expect(ingest.VisibilityTimeout).toBe(TIMEOUTS.ingestVisibilitySeconds);
    expect(classify.VisibilityTimeout).toBe(TIMEOUTS.classifyVisibilitySeconds);
  });

  it('feeds preprocess from the ingest queue with partial batch failures', () => {
    const [[, mapping]] = resourcesOf(json, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [ingest.id, 'Arn'] },
      FunctionName: { Ref: preprocess[0] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('lets only S3 from this account send to the ingest queue, and preprocess send to classify', () => {
    const policies = resourcesOf(json, 'AWS::SQS::QueuePolicy');
    const ingestPolicy = policies.find(([, p]) =>
      p.Properties.Queues.some((q: Json) => q.Ref === ingest.id),
    )!;
    const s3Send = ingestPolicy[1].Properties.PolicyDocument.Statement.find(
      (s: Json) => s.Principal?.Service === 's3.amazonaws.com',
    );
    expect(s3Send.Action).toContain('sqs:SendMessage');
    expect(s3Send.Condition.ArnLike['aws:SourceArn']).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^StorageData/), 'Arn'],
    });
    const env = preprocess[1].Properties.Environment.Variables;
    expect(env.GALSPIN_CLASSIFY_QUEUE_URL).toEqual({ Ref: classify.id });
  });
});
