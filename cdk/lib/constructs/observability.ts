/**
 * Alarms and a dashboard. Alarms: any message in a DLQ, the oldest message of each work queue older
 * than its budget, preprocess Lambda errors. They notify an SNS topic (KMS-encrypted; CloudWatch
 * may use the key), which an e-mail address can subscribe to from context (`alarmEmail`).
 * Pipeline metrics (LOG_METRICS) come from metric filters on the shells' structured JSON logs.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LOG_METRICS, type LogMetric, metricsNamespace } from '../metrics.ts';

export interface ObservabilityProps {
  readonly environment: string;
  readonly ingestQueue: sqs.IQueue;
  readonly ingestDlq: sqs.IQueue;
  readonly classifyQueue: sqs.IQueue;
  readonly classifyDlq: sqs.IQueue;
  readonly preprocess: lambda.IFunction;
  readonly preprocessLogs: logs.ILogGroup;
  readonly workerLogs: logs.ILogGroup;
  readonly alarmEmail?: string;
}

/** Oldest-message budgets, seconds: preprocess is seconds per file; the GPU fleet may cold-start. */
export const QUEUE_AGE_BUDGET = { ingest: 15 * 60, classify: 60 * 60 } as const;

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'galspin alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to an encrypted topic only if they may use its key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `galspin-${props.environment}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };
    const minute = Duration.minutes(1);
    for (const [name, dlq] of [
      ['Ingest', props.ingestDlq],
      ['Classify', props.classifyDlq],
    ] as const) {
      alarm(
        `${name}DlqDepth`,
        dlq.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
        1,
        `${name.toLowerCase()} DLQ holds messages: inspect with galspin, then galspin redrive`,
      );
    }
    alarm(
      'IngestQueueAge',
      props.ingestQueue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum' }),
      QUEUE_AGE_BUDGET.ingest,
      'ingest queue: oldest message waits too long (preprocess throttled or failing)',
    );
    alarm(
      'ClassifyQueueAge',
      props.classifyQueue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum' }),
      QUEUE_AGE_BUDGET.classify,
      'classify queue: oldest message waits too long (no GPU capacity, quota, or failing worker)',
    );
    alarm(
      'PreprocessErrors',
      props.preprocess.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      'preprocess Lambda invocations failed (whole batches, not single rejected files)',
    );

    const namespace = metricsNamespace(props.environment);
    const logGroups = { preprocess: props.preprocessLogs, 'infer-worker': props.workerLogs };
    const metric = (m: LogMetric, statistic: string): cloudwatch.Metric => {
      new logs.MetricFilter(this, `${m.metricName}Filter`, {
        logGroup: logGroups[m.source],
        metricNamespace: namespace,
        metricName: m.metricName,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', m.message),
        metricValue: m.valueField ? `$.${m.valueField}` : '1',
        unit: m.unit === 'Count' ? cloudwatch.Unit.COUNT : cloudwatch.Unit.MILLISECONDS,
      });
      return new cloudwatch.Metric({
        namespace,
        metricName: m.metricName,
        statistic,
        period: Duration.minutes(5),
      });
    };
    const ingested = metric(LOG_METRICS.filesIngested, 'Sum');
    const rejected = metric(LOG_METRICS.filesRejected, 'Sum');
    const classified = metric(LOG_METRICS.galaxiesClassified, 'Sum');
    const latency = metric(LOG_METRICS.batchLatency, 'p50');
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `galspin-${props.environment}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Files and galaxies',
            left: [ingested, rejected, classified],
          }),
          new cloudwatch.GraphWidget({
            title: 'Worker batch latency (ms)',
            left: [latency, latency.with({ statistic: 'p95' })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Oldest message age (s)',
            left: [
              props.ingestQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }),
              props.classifyQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Queue depth and DLQs',
            left: [
              props.ingestQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
              props.classifyQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
              props.ingestDlq.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
              props.classifyDlq.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
            ],
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}
