/**
 * The results index (DynamoDB, shape from src/config `tableDefinition`) and the query API: an HTTP
 * API whose every route requires SigV4 (IAM authorization) in front of the query Lambda.
 */
import { CfnOutput, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { physicalName, tableDefinition } from '../../../src/config/index.ts';
import { grantFromTable } from '../grants.ts';
import { LOG_RETENTION, shellFunction } from '../lambda-defaults.ts';

export interface ResultsTableProps {
  readonly environment: string;
  readonly removalPolicy: RemovalPolicy;
  /** Deletion protection on, e.g. for prod. */
  readonly protect: boolean;
}

const attribute = (a: { name: string; type: string }): dynamodb.Attribute => ({
  name: a.name,
  type: a.type as dynamodb.AttributeType,
});

export class ResultsTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ResultsTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: physicalName(props.environment, tableDefinition.logicalName),
      partitionKey: attribute(tableDefinition.partitionKey),
      sortKey: attribute(tableDefinition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: tableDefinition.pointInTimeRecovery },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.protect,
      removalPolicy: props.removalPolicy,
    });
    for (const gsi of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attribute(gsi.partitionKey),
        sortKey: attribute(gsi.sortKey),
        projectionType: gsi.projection as dynamodb.ProjectionType,
      });
    }
  }
}

export interface QueryApiProps {
  readonly environment: string;
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
}

/** Routes served by src/pipeline/query-http.ts; filters are query-string parameters. */
export const QUERY_ROUTES = ['/galaxies/{galaxyId}', '/results', '/status/{status}'] as const;

/** Throttle of the API stage: a query tool, not a public service. */
export const QUERY_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

export class QueryApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    this.handler = shellFunction(this, 'Handler', {
      entry: 'lambdas/query.ts',
      description: 'galspin: query results by galaxy or by class, probability, model, status',
      timeout: Duration.seconds(10),
      memorySize: 512,
      removalPolicy: props.removalPolicy,
      environment: {
        GALSPIN_ENV: props.environment,
        GALSPIN_BUCKET: props.bucket.bucketName,
        GALSPIN_TABLE: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'galspin-query',
      },
    });
    grantFromTable(this.handler, 'query', { bucket: props.bucket, table: props.table, queues: {} });

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `galspin-${props.environment}-query`,
      description: 'galspin results; SigV4-signed requests only',
      defaultAuthorizer: new authorizers.HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const integration = new integrations.HttpLambdaIntegration('QueryIntegration', this.handler);
    for (const path of QUERY_ROUTES) {
      this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration });
    }
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    const stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: QUERY_THROTTLE,
      accessLogSettings: {
        // The HTTP API's default JSON format: request id, caller, route, status, latency.
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
      },
    });
    new CfnOutput(scope, 'QueryApiUrl', {
      value: stage.url,
      description: 'galspin query API (sign requests with SigV4, service execute-api)',
    });
  }
}
