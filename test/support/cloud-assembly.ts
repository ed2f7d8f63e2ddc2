/**
 * The cloud assembly as `cdk synth` writes it (cdk/bin/app.ts with CDK_OUTDIR, the cdk.json context,
 * no AWS credentials), and the Node.js Lambda functions in it with the asset folder that holds each
 * one's esbuild output: template `Code.S3Key` `<hash>.zip` → `<stack>.assets.json` → `asset.<hash>/`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cdkJsonContext } from '../../cdk/lib/app.ts';
import { REPO_ROOT } from '../../cdk/lib/paths.ts';

/** Runs the CDK app into `outdir` as `cdk synth` would; rejects with the output's tail on failure. */
export function synthApp(outdir: string, context: Record<string, unknown> = cdkJsonContext()): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cdk/bin/app.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        // Synth must need no account: no credentials, no region, no emulator endpoint.
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
        AWS_REGION: '',
        AWS_ENDPOINT_URL: '',
      },
    });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cdk synth exited with ${code}: ${output}`)),
    );
  });
}

/** A CloudFormation environment value: a literal, or an intrinsic such as `{ Ref: <logical id> }`. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type.
export type CfnValue = string | Record<string, any>;

export interface NodeLambda {
  logicalId: string;
  /** `<module>.<export>`, e.g. `index.handler`. */
  handler: string;
  /** e.g. `nodejs22.x`. */
  runtime: string;
  architectures: string[];
  /** Seconds. */
  timeout: number;
  /** MiB. */
  memorySize: number;
  environment: Record<string, CfnValue>;
  /** `LoggingConfig`: `JSON` or `Text`, and the application log level the runtime passes on. */
  logFormat: string;
  logLevel?: string;
  /** The staged bundle: the folder Lambda would unzip into /var/task. */
  assetDir: string;
}

/** Every `nodejs*` Lambda function of `stack` in the assembly at `outdir`, with its asset folder. */
export function nodeLambdas(outdir: string, stack: string): NodeLambda[] {
  const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'));
  const assets = JSON.parse(readFileSync(join(outdir, `${stack}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging?: string } }>;
  };
  const out: NodeLambda[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type.
  for (const [logicalId, r] of Object.entries(template.Resources as Record<string, any>)) {
    const p = r.Properties ?? {};
    if (r.Type !== 'AWS::Lambda::Function' || !String(p.Runtime).startsWith('nodejs')) continue;
    const key = p.Code?.S3Key;
    if (typeof key !== 'string') continue; // inline code (ZipFile): no asset
    const hash = key.replace(/\.zip$/, '');
    const asset = assets.files[hash];
    if (!asset) throw new Error(`${logicalId}: asset ${hash} is not in ${stack}.assets.json`);
    const assetDir = join(outdir, asset.source.path);
    if (!existsSync(assetDir)) throw new Error(`${logicalId}: asset folder ${assetDir} is missing`);
    out.push({
      logicalId,
      handler: p.Handler,
      runtime: p.Runtime,
      architectures: p.Architectures ?? ['x86_64'],
      timeout: p.Timeout ?? 3,
      memorySize: p.MemorySize ?? 128,
      environment: p.Environment?.Variables ?? {},
      logFormat: p.LoggingConfig?.LogFormat ?? 'Text',
      logLevel: p.LoggingConfig?.ApplicationLogLevel,
      assetDir,
    });
  }
  return out;
}

/** Resources of the template by logical id (to resolve a `Ref` in an environment value). */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no static type.
export function templateResources(outdir: string, stack: string): Record<string, any> {
  return JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')).Resources;
}
