/**
 * In-process synth for the CDK tests: the same app as `cdk synth` (cdk.json context + overrides),
 * with Lambda bundling skipped (the synth test bundles for real), synthesized once per caller.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, cdkJsonContext, type GalspinApp } from '../../cdk/lib/app.ts';

/** CloudFormation template JSON: untyped by nature. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type.
export type Json = any;

export interface Synthesized extends GalspinApp {
  template: Template;
  json: Record<string, Json>;
}

export function synthGalspin(
  overrides: Record<string, unknown> = {},
  opts: { bundle?: boolean } = {},
): Synthesized {
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...overrides };
  if (!opts.bundle) context['aws:cdk:bundling-stacks'] = [];
  const built = buildApp({ context });
  const template = Template.fromStack(built.stack);
  return { ...built, template, json: template.toJSON() };
}

/** Resources of one CloudFormation type, by logical id. */
export function resourcesOf(json: Record<string, Json>, type: string): [string, Json][] {
  return Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
}

/** Every IAM statement in the template: identity policies, inline role policies, resource policies. */
export function allStatements(json: Record<string, Json>): { source: string; statement: Json }[] {
  const out: { source: string; statement: Json }[] = [];
  const push = (source: string, doc: Json) => {
    for (const s of doc?.Statement ?? []) out.push({ source, statement: s });
  };
  for (const [id, r] of Object.entries(json.Resources as Record<string, Json>)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') push(id, p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const inline of p.Policies ?? []) push(id, inline.PolicyDocument);
    if (
      r.Type === 'AWS::S3::BucketPolicy' ||
      r.Type === 'AWS::SQS::QueuePolicy' ||
      r.Type === 'AWS::SNS::TopicPolicy'
    )
      push(id, p.PolicyDocument);
  }
  return out;
}

export const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
