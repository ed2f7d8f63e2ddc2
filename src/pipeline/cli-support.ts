/**
 * What the pipeline CLI commands share: choosing the ports (embedded under --home, or the AWS
 * deployment that ./aws-target.ts resolves when --aws), and stage progress on stderr (a bar on a
 * TTY, a line per stage change otherwise). The ports' modules (AWS SDK, SQLite) are imported on
 * use: loading them costs ~1 s, which `--help` and the other commands need not pay.
 */
import type { Command } from 'commander';
import { type JobProgress, jobProgress } from '../model/progress.ts';
import { type AwsTargetFlags, applyAwsTarget, resolveAwsTarget } from './aws-target.ts';
import type { PipelinePorts } from './ports-types.ts';

export interface PortsOptions extends AwsTargetFlags {
  aws?: boolean;
  home: string;
}

export async function portsFor(opts: PortsOptions): Promise<PipelinePorts> {
  if (opts.aws) {
    applyAwsTarget(resolveAwsTarget(opts, opts.home));
    return awsPortsFromEnv();
  }
  const { embeddedPorts } = await import('./deps-local.ts');
  return embeddedPorts(opts.home);
}

/** AWS ports named by the GALSPIN_* environment (as `galspin provision` or the moto harness set it). */
export async function awsPortsFromEnv(): Promise<PipelinePorts> {
  const [{ PipelineEnv, parseEnv }, { awsPorts }] = await Promise.all([
    import('../config/index.ts'),
    import('./deps.ts'),
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
