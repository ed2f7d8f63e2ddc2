import { describe, expect, it } from 'vitest';
import { tableDefinition } from '../src/config/index.ts';
import { type Json, resourcesOf, synthGalspin } from '../test/support/cdk-synth.ts';
import { QUERY_ROUTES } from './lib/constructs/results.ts';

const { json } = synthGalspin();

describe('query API: IAM authorization on every route', () => {
  it('requires SigV4 (AWS_IAM) on each route and exposes only the query routes', () => {
    const routes = resourcesOf(json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(QUERY_ROUTES.map((p) => `GET ${p}`).sort());
    for (const r of routes) expect(r.AuthorizationType).toBe('AWS_IAM');
    expect(resourcesOf(json, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(0);
  });

  it('integrates the query Lambda and logs every request on a throttled stage', () => {
    const [[, integration]] = resourcesOf(json, 'AWS::ApiGatewayV2::Integration');
    expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
    expect(JSON.stringify(integration.Properties.IntegrationUri)).toMatch(/QueryHandler/);
    const [[, stage]] = resourcesOf(json, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
  });

  it('gives the query Lambda read-only access to the results table', () => {
    const fn = resourcesOf(json, 'AWS::Lambda::Function').find(([id]) => id.startsWith('QueryHandler'))![1];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const actions = resourcesOf(json, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: Json) => [s.Action].flat()));
    const dynamo = actions.filter((a: string) => a.startsWith('dynamodb:'));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const a of dynamo) expect(a).toMatch(/^dynamodb:(BatchGet|Get|Query|Scan|Describe|ConditionCheck)/);
    expect(actions.filter((a: string) => a.startsWith('s3:')).sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
    ]);
  });
});

describe('results table: the shape from src/config tableDefinition', () => {
  const [[, table]] = resourcesOf(json, 'AWS::DynamoDB::Table');
  const p = table.Properties;

  it('is on-demand with point-in-time recovery and the pipeline key schema', () => {
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.TableName).toBe('galspin-dev-results');
    expect(p.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey.name, KeyType: 'RANGE' },
    ]);
  });

  it('has exactly the GSIs of tableDefinition', () => {
    const gsis = p.GlobalSecondaryIndexes.map((g: Json) => ({
      name: g.IndexName,
      keys: g.KeySchema.map((k: Json) => k.AttributeName),
      projection: g.Projection.ProjectionType,
    }));
    expect(gsis).toEqual(
      tableDefinition.globalSecondaryIndexes.map((g) => ({
        name: g.indexName,
        keys: [g.partitionKey.name, g.sortKey.name],
        projection: g.projection,
      })),
    );
  });
});
