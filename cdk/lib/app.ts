/**
 * Builds the galspin CDK app: validated context → one stack → the cdk-nag AwsSolutions pack as a
 * validation plugin, so a finding without an acknowledgement fails synth. Used by cdk/bin/app.ts
 * and, in-process, by the tests.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type GalspinContext, parseContext } from './context.ts';
import { GalspinStack } from './galspin-stack.ts';
import { REPO_ROOT } from './paths.ts';

/**
 * CDK feature flags the constructs rely on (e.g. server access logs granted by bucket policy, not
 * ACLs). Set in code with precedence over cdk.json and -c, so every synth path behaves the same.
 */
export const FEATURE_FLAGS = {
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-ecs:arnFormatIncludesClusterName': true,
  '@aws-cdk/aws-ecs:disableExplicitDeploymentControllerForCircuitBreaker': true,
  '@aws-cdk/aws-s3:keepNotificationInImportedBucket': false,
  '@aws-cdk/aws-ecs:removeDefaultDeploymentAlarm': true,
  '@aws-cdk/aws-ecs:reduceEc2FargateCloudWatchPermissions': true,
  '@aws-cdk/aws-ec2:ebsDefaultGp3Volume': true,
} as const;

export const stackName = (environment: string): string => `Galspin-${environment}`;

/**
 * The `context` block of cdk.json (settings and feature flags). The CLI passes it to the app itself;
 * in-process builds (tests) start from it so that they synthesize what `cdk synth` does.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface GalspinApp {
  app: App;
  stack: GalspinStack;
  config: GalspinContext;
  nag: AwsSolutionsChecks;
}

export function buildApp(props: AppProps = {}): GalspinApp {
  const app = new App({
    analyticsReporting: false,
    ...props,
    postCliContext: { ...FEATURE_FLAGS, ...props.postCliContext },
  });
  const config = parseContext((key) => app.node.tryGetContext(key));
  // Environment-agnostic on purpose: no account or region lookups at synth time.
  const stack = new GalspinStack(app, stackName(config.environment), {
    config,
    description: `galspin (${config.environment}): fast/slow rotator classification pipeline`,
  });
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, stack, config, nag };
}
