/**
 * Runs a synthesized Lambda bundle the way the Node.js runtime would, in a separate Node process:
 * the asset copied to its own task root, the runtime's environment (the function's template
 * variables with their `Ref`s resolved to emulator resources, plus what Lambda itself sets), and
 * `node_modules/@aws-sdk` as the only package folder the bundle can reach — the SDK v3 the runtime
 * provides and the bundles leave external. Nothing else from this repository is on its path.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../cdk/lib/paths.ts';
import type { CfnValue, NodeLambda } from './cloud-assembly.ts';

const RUNNER = fileURLToPath(new URL('./lambda-invoke.mjs', import.meta.url));

/**
 * Copies the asset into a fresh task root (as Lambda unzips it into /var/task) beside a
 * node_modules that links only `@aws-sdk`. The SDK's own dependencies resolve from its real path,
 * as they do inside the runtime's copy. The caller removes `parent`.
 */
export function stageTaskRoot(
  assetDir: string,
  parent = mkdtempSync(join(tmpdir(), 'galspin-lambda-')),
): string {
  const root = join(parent, 'task');
  cpSync(assetDir, root, { recursive: true });
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'node_modules', '@aws-sdk'), join(root, 'node_modules', '@aws-sdk'), 'dir');
  return root;
}

/** Physical names of the emulator's resources, to stand in for what CloudFormation would name. */
export interface EmulatedResources {
  /** The data bucket: a template bucket without a `BucketName` is named by CloudFormation, not by us. */
  bucket: string;
  tables: string[];
  /** Queue URL by queue name. */
  queueUrls: Record<string, string>;
}

/**
 * The function's environment as Lambda would see it after deployment: literals as written, a `Ref`
 * to a bucket, queue (its URL, as CloudFormation's Ref returns) or table as the emulator's resource
 * of the same physical name. Throws naming the variable for anything it cannot resolve.
 */
export function resolveEnvironment(
  env: Record<string, CfnValue>,
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type.
  resources: Record<string, any>,
  emulated: EmulatedResources,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string') {
      out[name] = value;
      continue;
    }
    const target = typeof value.Ref === 'string' ? resources[value.Ref] : undefined;
    const p = target?.Properties ?? {};
    let resolved: string | undefined;
    if (target?.Type === 'AWS::S3::Bucket') resolved = p.BucketName ?? emulated.bucket;
    if (target?.Type === 'AWS::SQS::Queue') resolved = emulated.queueUrls[p.QueueName];
    if (target?.Type === 'AWS::DynamoDB::Table' && emulated.tables.includes(p.TableName))
      resolved = p.TableName;
    if (resolved === undefined) {
      throw new Error(`${name}: cannot resolve ${JSON.stringify(value)} to an emulated resource`);
    }
    out[name] = resolved;
  }
  return out;
}

export interface InvokeOptions {
  /** The Node binary standing in for the runtime. */
  node: string;
  fn: NodeLambda;
  functionName: string;
  taskRoot: string;
  /** The function's resolved environment (resolveEnvironment). */
  environment: Record<string, string>;
  /** Region, credentials and endpoint of the emulator. */
  aws: { region: string; endpoint: string; accessKeyId: string; secretAccessKey: string };
  events: unknown[];
}

export interface Invocation {
  ms: number;
  result?: unknown;
  error?: { name: string; message: string };
}

export interface InvokeOutcome {
  /** `process.version` of the process that ran the handler. */
  node: string;
  /** Time to import the bundle (the cold start's init phase, without the runtime's own). */
  initMs: number;
  invocations: Invocation[];
  /** Everything the function wrote (its JSON log lines). */
  logs: string;
}

/** The variables the Lambda runtime sets itself, for this function. */
function runtimeEnvironment(o: InvokeOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: o.taskRoot,
    _HANDLER: o.fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${o.fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_REGION: o.aws.region,
    AWS_DEFAULT_REGION: o.aws.region,
    AWS_ACCESS_KEY_ID: o.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: o.aws.secretAccessKey,
    // Not set in AWS: the emulator's endpoint, which the SDK reads from the environment.
    AWS_ENDPOINT_URL: o.aws.endpoint,
  };
  if (o.fn.logFormat === 'JSON') {
    env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    if (o.fn.logLevel) env.AWS_LAMBDA_LOG_LEVEL = o.fn.logLevel;
  }
  return env;
}

/** Imports the bundle once in a fresh process and calls its handler with each event in turn. */
export function invokeBundle(o: InvokeOptions): Promise<InvokeOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'galspin-invoke-'));
  const input = join(dir, 'input.json');
  const output = join(dir, 'output.json');
  const arn = `arn:aws:lambda:${o.aws.region}:123456789012:function:${o.functionName}`;
  writeFileSync(
    input,
    JSON.stringify({
      events: o.events,
      context: {
        functionName: o.functionName,
        invokedFunctionArn: arn,
        memoryLimitInMB: o.fn.memorySize,
        timeoutMs: o.fn.timeout * 1000,
      },
    }),
  );
  // The user's variables override the runtime's, as Lambda allows for all but a reserved few.
  const env = { ...runtimeEnvironment(o), ...o.environment };
  return new Promise((resolve, reject) => {
    const child = spawn(o.node, [RUNNER, input, output], {
      cwd: o.taskRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    const keep = (b: Buffer) => {
      logs += b.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // The function's own timeout per event, plus a start-up allowance for the import.
    const limitMs = o.fn.timeout * 1000 * o.events.length + 30_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0)
          throw new Error(`${o.functionName} exited with ${code ?? signal}: ${logs.slice(-3000)}`);
        const out = JSON.parse(readFileSync(output, 'utf8')) as Omit<InvokeOutcome, 'logs'>;
        resolve({ ...out, logs });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
