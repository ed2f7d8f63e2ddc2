/**
 * Shared settings of the Node.js Lambdas: Node 22 on arm64 (Graviton), esbuild bundling as ESM
 * with the AWS SDK v3 left to the runtime, JSON log format with a retention-bound log group.
 */
import * as path from 'node:path';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REPO_ROOT } from './paths.ts';

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

export interface ShellFunctionProps {
  /** Entry file relative to the repository root, e.g. `lambdas/preprocess.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  readonly removalPolicy: RemovalPolicy;
}

export function shellFunction(
  scope: Construct,
  id: string,
  props: ShellFunctionProps,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: LOG_RETENTION,
    removalPolicy: props.removalPolicy,
  });
  // An own role instead of AWSLambdaBasicExecutionRole: write to this function's log group only.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `${props.entry} execution role`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  return new nodejs.NodejsFunction(scope, id, {
    role,
    entry: path.join(REPO_ROOT, props.entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    runtime: LAMBDA_RUNTIME,
    architecture: LAMBDA_ARCHITECTURE,
    description: props.description,
    timeout: props.timeout,
    memorySize: props.memorySize,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    logGroup,
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      // ESM output still meets CommonJS dependencies that call require().
      banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      mainFields: ['module', 'main'],
      externalModules: ['@aws-sdk/*'],
    },
  });
}
