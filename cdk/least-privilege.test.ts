import { describe, expect, it } from 'vitest';
import { allStatements, type Json, resourcesOf, synthGalspin } from './test-support.ts';

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
