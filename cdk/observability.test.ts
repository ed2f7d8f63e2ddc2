import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';
import { QUEUE_AGE_BUDGET } from './lib/constructs/observability.ts';
import { LOG_METRICS } from './lib/metrics.ts';
import { REPO_ROOT } from './lib/paths.ts';

const { json } = synthGalspin({ alarmEmail: 'ops@example.org' });
const queueId = (name: string) =>
  resourcesOf(json, 'AWS::SQS::Queue').find(([, q]) => q.Properties.QueueName === name)![0];
const topicId = resourcesOf(json, 'AWS::SNS::Topic')[0][0];
const alarms = resourcesOf(json, 'AWS::CloudWatch::Alarm')
  .map(([id, a]) => ({ id, ...a.Properties }))
  .filter((a) => !a.id.startsWith('InferWorkerScaling'));
const onQueue = (metric: string, name: string) =>
  alarms.find(
    (a) => a.MetricName === metric && a.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === queueId(name),
  );

describe('alarms: DLQ depth and oldest-message age, to an encrypted SNS topic', () => {
  it.each(['galspin-dev-ingest-dlq', 'galspin-dev-classify-dlq'])('alarms on any message in %s', (dlq) => {
    const a = onQueue('ApproximateNumberOfMessagesVisible', dlq);
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(a!.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('alarms when the oldest message of each work queue exceeds its budget', () => {
    expect(onQueue('ApproximateAgeOfOldestMessage', 'galspin-dev-ingest')!.Threshold).toBe(
      QUEUE_AGE_BUDGET.ingest,
    );
    expect(onQueue('ApproximateAgeOfOldestMessage', 'galspin-dev-classify')!.Threshold).toBe(
      QUEUE_AGE_BUDGET.classify,
    );
  });

  it('encrypts the topic with a rotating key CloudWatch may use, and subscribes the alarm address', () => {
    const [[, topic]] = resourcesOf(json, 'AWS::SNS::Topic');
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const key = json.Resources[keyId].Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const cw = key.KeyPolicy.Statement.find((s: Json) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cw.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    const [[, sub]] = resourcesOf(json, 'AWS::SNS::Subscription');
    expect(sub.Properties).toMatchObject({ Protocol: 'email', Endpoint: 'ops@example.org' });
  });
});

describe('pipeline metrics from structured logs', () => {
  const filters = resourcesOf(json, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);

  it('derives each metric from its log message, counting or reading the named field', () => {
    expect(filters).toHaveLength(Object.keys(LOG_METRICS).length);
    for (const m of Object.values(LOG_METRICS)) {
      const f = filters.find((x) => x.MetricTransformations[0].MetricName === m.metricName)!;
      expect(f.FilterPattern).toBe(`{ $.message = "${m.message}" }`);
      expect(f.MetricTransformations[0]).toMatchObject({
        MetricNamespace: 'Galspin/dev',
        MetricValue: 'valueField' in m ? `$.${m.valueField}` : '1',
      });
    }
  });

  it('matches messages the pipeline services actually log (drift here silences the dashboard)', () => {
    const sources = {
      preprocess: readFileSync(path.join(REPO_ROOT, 'src/pipeline/ingest.ts'), 'utf8'),
      'infer-worker': readFileSync(path.join(REPO_ROOT, 'src/pipeline/worker.ts'), 'utf8'),
    };
    for (const m of Object.values(LOG_METRICS)) {
      const call = new RegExp(`log\\.(info|warn)\\(\\s*'${m.message}',\\s*\\{([^}]*)\\}`);
      const found = sources[m.source].match(call);
      expect(found, `${m.source}: log '${m.message}'`).not.toBeNull();
      if ('valueField' in m) expect(found![2]).toMatch(new RegExp(`\\b${m.valueField}\\b`));
    }
  });
});
