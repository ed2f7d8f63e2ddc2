/**
 * What the pipeline CLI commands share: choosing the ports (embedded under --home, or the AWS
 * deployment that ./aws-target.ts resolves when --aws), and stage progress on stderr (a bar on a
 * TTY, a line per stage change otherwise). The ports' modules (AWS SDK, SQLite) are imported on
 * use: loading them costs ~1 s, which `--help` and the other commands need not pay.
 */
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { PipelineLogger } from '../ports/logger.ts';
import type { PipelinePorts } from '../ports/pipeline-ports.ts';
import { type AwsTargetFlags, applyAwsTarget, resolveAwsTarget } from './aws-target.ts';
import { cliLogger } from './logger.ts';
import { type JobProgress, jobProgress } from './progress.ts';

export interface PortsOptions extends AwsTargetFlags {
  aws?: boolean;
  home: string;
}

export async function portsFor(opts: PortsOptions): Promise<PipelinePorts> {
  if (opts.aws) {
    applyAwsTarget(resolveAwsTarget(opts, opts.home));
    return awsPortsFromEnv();
  }
  const { embeddedPorts } = await import('./embedded-ports.ts');
  return embeddedPorts(opts.home);
}

/** AWS ports named by the GALSPIN_* environment (as `galspin provision` or the moto harness set it). */
export async function awsPortsFromEnv(): Promise<PipelinePorts> {
  const [{ PipelineEnv, parseEnv }, { awsPorts }] = await Promise.all([
    import('../config/index.ts'),
    import('./aws-ports.ts'),
  ]);
  return awsPorts(
    parseEnv(PipelineEnv.partial({ GALSPIN_INGEST_QUEUE_URL: true, GALSPIN_CLASSIFY_QUEUE_URL: true })),
  );
}

/** `--region`, `--bucket` and `--table`: which deployment `--aws` means (see ./aws-target.ts). */
export function addAwsTargetOptions(command: Command): Command {
  return command
    .option('--region <r>', "with --aws: AWS region (else AWS_REGION, else the home's aws.json)")
    .option('--bucket <name>', "with --aws: data bucket (else GALSPIN_BUCKET, else the home's aws.json)")
    .option('--table <name>', "with --aws: results table (else GALSPIN_TABLE, else the home's aws.json)");
}

/** One line a Lambda's Powertools Logger printed, handed to `log` at its level with its own fields. */
export function relayLambdaLine(line: string, log: PipelineLogger): void {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line);
  } catch {
    log.info(line);
    return;
  }
  const { level, message, timestamp: _t, service: _s, cold_start: _c, sampling_rate: _r, ...fields } = event;
  const lvl = String(level ?? 'INFO').toLowerCase();
  const emit =
    lvl === 'debug'
      ? log.debug
      : lvl === 'warn'
        ? log.warn
        : lvl === 'error' || lvl === 'critical'
          ? log.error
          : log.info;
  emit(String(message ?? ''), fields);
}

/**
 * Imports a Lambda shell (lambdas/*.ts) so that its Powertools Logger writes through galspin's CLI
 * logger — stderr, text unless JSON is asked for, info only with --verbose — instead of JSON on
 * stdout (491 lines for one `run --aws`). Powertools binds its Console to process.stdout/stderr when
 * the module creates its Logger, so both are swapped for a relay just for the import.
 */
export async function importLambda<T>(service: string, load: () => Promise<T>): Promise<T> {
  const log = cliLogger(service);
  let pending = '';
  const relay = new Writable({
    write(chunk, _enc, done) {
      const lines = (pending + String(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) relayLambdaLine(line, log);
      done();
    },
  });
  const saved = ['stdout', 'stderr'].map((k) => [k, Object.getOwnPropertyDescriptor(process, k)] as const);
  for (const [k] of saved) Object.defineProperty(process, k, { configurable: true, get: () => relay });
  try {
    return await load();
  } finally {
    for (const [k, d] of saved) if (d) Object.defineProperty(process, k, d);
  }
}

export interface StageProgress {
  update(stage: string, done: number, total?: number, note?: string): void;
  stop(): void;
}

/** Pipeline stages one after another, each a {@link jobProgress} (bar on a TTY, periodic lines otherwise). */
export function stageProgress(stream: NodeJS.WriteStream = process.stderr): StageProgress {
  let job: JobProgress | undefined;
  let current = '';
  return {
    update(stage, done, total, note) {
      if (stage !== current || !job) {
        job?.stop();
        job = jobProgress(stage.padEnd(8), total ?? 1, { unit: '', stream });
        current = stage;
      } else if (total !== undefined) job.setTotal(total);
      job.update(done, note);
    },
    stop() {
      job?.stop();
      job = undefined;
    },
  };
}

/** `arg` as a POSIX shell reads it back (quoted only when it must be), for printed commands. */
export function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
