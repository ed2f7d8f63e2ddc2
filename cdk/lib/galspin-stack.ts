/**
 * The whole deployment, one construct per concern. Names come from src/config (the same module the
 * local provisioner uses), settings from the validated context.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Compute } from './constructs/compute.ts';
import { TaskImage } from './constructs/containers.ts';
import { Ingest } from './constructs/ingest.ts';
import { Network } from './constructs/network.ts';
import { Observability } from './constructs/observability.ts';
import { QueryApi, ResultsTable } from './constructs/results.ts';
import { Retraining } from './constructs/retraining.ts';
import { Storage } from './constructs/storage.ts';
import { InferWorker } from './constructs/worker.ts';
import type { GalspinContext } from './context.ts';
import { acknowledgeFindings } from './nag.ts';

export interface GalspinStackProps extends StackProps {
  readonly config: GalspinContext;
}

export class GalspinStack extends Stack {
  readonly storage: Storage;
  readonly results: ResultsTable;
  readonly ingest: Ingest;
  readonly network: Network;
  readonly compute: Compute;
  readonly worker: InferWorker;
  readonly retraining: Retraining;
  readonly query: QueryApi;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: GalspinStackProps) {
    super(scope, id, props);
    const c = props.config;
    const removalPolicy = c.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('project', 'galspin');
    Tags.of(this).add('galspin:environment', c.environment);

    this.storage = new Storage(this, 'Storage', { retainData: c.retainData });
    const bucket = this.storage.bucket;
    this.results = new ResultsTable(this, 'Results', {
      environment: c.environment,
      removalPolicy,
      protect: c.retainData,
    });
    const table = this.results.table;
    this.ingest = new Ingest(this, 'Ingest', { environment: c.environment, bucket, table, removalPolicy });

    this.network = new Network(this, 'Network', {
      maxAzs: c.maxAzs,
      ecsAgentEndpoints: !c.cpuOnly,
      flowLogBucket: this.storage.logBucket,
    });
    this.compute = new Compute(this, 'Compute', {
      environment: c.environment,
      vpc: this.network.vpc,
      subnets: this.network.subnets,
      instanceType: c.instanceType,
      maxInstances: c.maxTasks,
      cpuOnly: c.cpuOnly,
    });
    this.network.allowEndpointsFrom(this.compute.clientSecurityGroups);
    const image = new TaskImage(this, 'TaskImage', { cpuOnly: c.cpuOnly }).image;
    const taskEnv = {
      GALSPIN_BUCKET: bucket.bucketName,
      GALSPIN_INGEST_QUEUE_URL: this.ingest.ingestQueue.queueUrl,
      GALSPIN_CLASSIFY_QUEUE_URL: this.ingest.classifyQueue.queueUrl,
      GALSPIN_TABLE: table.tableName,
      GALSPIN_THRESHOLD_FAST: String(c.thresholds.fast),
      GALSPIN_THRESHOLD_SLOW: String(c.thresholds.slow),
    };
    const shared = {
      environment: c.environment,
      network: this.network,
      compute: this.compute,
      image,
      cpuOnly: c.cpuOnly,
      bucket,
      table,
      classifyQueue: this.ingest.classifyQueue,
      taskEnv,
      removalPolicy,
    };
    this.worker = new InferWorker(this, 'InferWorker', {
      ...shared,
      minTasks: c.minTasks,
      maxTasks: c.maxTasks,
      backlogPerTask: c.backlogPerTask,
    });
    this.retraining = new Retraining(this, 'Retraining', { ...shared, schedule: c.retrainSchedule });
    this.compute.grantAgentLogs([this.worker.task.logGroup, this.retraining.task.logGroup]);
    this.query = new QueryApi(this, 'Query', { environment: c.environment, table, bucket, removalPolicy });
    this.observability = new Observability(this, 'Observability', {
      environment: c.environment,
      ingestQueue: this.ingest.ingestQueue,
      ingestDlq: this.ingest.ingestDlq,
      classifyQueue: this.ingest.classifyQueue,
      classifyDlq: this.ingest.classifyDlq,
      preprocess: this.ingest.preprocess,
      preprocessLogs: this.ingest.preprocess.logGroup,
      workerLogs: this.worker.task.logGroup,
      alarmEmail: c.alarmEmail,
    });

    // What a shell outside AWS (the galspin CLI) needs: GALSPIN_* for the AWS adapters.
    new CfnOutput(this, 'Bucket', { value: bucket.bucketName, description: 'GALSPIN_BUCKET' });
    new CfnOutput(this, 'IngestQueueUrl', {
      value: this.ingest.ingestQueue.queueUrl,
      description: 'GALSPIN_INGEST_QUEUE_URL',
    });
    new CfnOutput(this, 'ClassifyQueueUrl', {
      value: this.ingest.classifyQueue.queueUrl,
      description: 'GALSPIN_CLASSIFY_QUEUE_URL',
    });
    new CfnOutput(this, 'Table', { value: table.tableName, description: 'GALSPIN_TABLE' });
    new CfnOutput(this, 'AlarmTopic', {
      value: this.observability.topic.topicArn,
      description: 'SNS topic of the alarms',
    });

    acknowledgeFindings(this);
  }
}
