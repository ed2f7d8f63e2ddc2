import { resolve } from 'node:path';
import type { Command } from 'commander';
import { portsFor, stageProgress } from '../../app/cli-ports.ts';
import { DEMO_TRAIN } from '../../app/local-run.ts';
import { initBackend } from '../../model/backend.ts';
import {
  MIN_BENCHMARK_GALAXIES,
  MIN_TRAINING_GALAXIES,
  PROMOTION_ALPHA,
} from '../../model/evaluate/promotion.ts';
import { retrain, retrainDeps } from '../../pipeline/retrain.ts';
import { integer } from '../args.ts';
import { InputError, UsageError } from '../errors.ts';

interface RetrainOptions {
  labels?: string;
  home: string;
  aws?: boolean;
  ecs?: boolean;
  epochs?: number;
  full?: boolean;
  reclassify?: boolean;
}

/**
 * `galspin retrain`: train on the labeled maps in the bucket; promotion cannot go backwards
 * (src/model/evaluate/promotion.ts): the default small config is a demo model and is never promoted over a
 * champion, and a `--full` (Table 1) model replaces the champion only when it reads the same input
 * and is significantly better on a benchmark of ≥ 500 galaxies (exact McNemar, α = 0.05).
 * Locally it runs the train task in-process; `--ecs` starts the train task on ECS
 * (GALSPIN_CLUSTER, GALSPIN_TRAIN_TASK_DEF, GALSPIN_SUBNETS[, GALSPIN_SECURITY_GROUPS]).
 */
export function register(program: Command): void {
  program
    .command('retrain')
    .description(
      'retrain on labeled maps in the bucket; promote only a Table 1 model significantly better on a ≥ 500-galaxy benchmark',
    )
    .option(
      '--labels <key>',
      'labels CSV in the bucket (e.g. labels/run-1.csv; columns catid,label); default: kinematic labels from the index (λRe–ε, Cappellari 2016) of galaxies with a dispersion map',
    )
    .option('--home <dir>', 'embedded state folder', '.galspin')
    .option('--aws', 'use S3/SQS named by the GALSPIN_* environment')
    .option('--ecs', 'run the train task on ECS instead of here (needs --aws environment)')
    .option('--epochs <n>', 'most epochs', integer('--epochs', 1))
    .option(
      '--full',
      "the paper's Table 1 network and 60 epochs instead of the small demo config (a demo model is never promoted)",
    )
    .option('--reclassify', 'enqueue every map for the new champion when promoted')
    .addHelpText(
      'after',
      `
Promotion cannot go backwards. A model trained with the small default config, or on fewer than
${MIN_TRAINING_GALAXIES} galaxies, is a demo model (metrics.json "demo": true) and is never promoted
over a champion. A --full model replaces the champion only if it reads the same input kind and is
better on a benchmark of ≥ ${MIN_BENCHMARK_GALAXIES} galaxies by a one-sided exact McNemar test
(α = ${PROMOTION_ALPHA}); without a benchmark nothing is promoted. The comparison is recorded in the new
model's metrics.json either way. A store without a champion takes the first model.

Examples:
  galspin retrain --labels labels/run-1.csv --reclassify
  galspin retrain                 # labels from the index: λRe and ε measured at ingest
  galspin retrain --labels labels/sami.csv --aws --ecs --full`,
    )
    .action(async (o: RetrainOptions) => {
      if (o.ecs) {
        if (!o.aws) throw new UsageError('--ecs needs --aws');
        const { startTrainTask } = await import('../../adapters/aws/ecs-run-task.ts');
        const arn = await startTrainTask({
          labelsKey: o.labels,
          reclassify: Boolean(o.reclassify),
          full: Boolean(o.full),
        });
        process.stdout.write(`started ECS task ${arn}\n`);
        return;
      }
      const backend = await initBackend();
      const ports = await portsFor({ aws: o.aws, home: resolve(o.home) });
      const progress = stageProgress();
      try {
        if (o.labels && !(await ports.blobs.head(o.labels)))
          throw new InputError(`${o.labels}: not in the bucket (${ports.location})`);
        const train = o.full
          ? { epochs: o.epochs ?? 60 }
          : { ...DEMO_TRAIN, ...(o.epochs ? { epochs: o.epochs } : {}) };
        const r = await retrain(retrainDeps(backend, ports), {
          labelsKey: o.labels,
          train,
          reclassify: o.reclassify,
          onEpoch: (rec, info) =>
            progress.update('train', rec.epoch, info.epochs, `val acc ${rec.valAcc.toFixed(3)}`),
        });
        progress.stop();
        process.stdout.write(
          `${r.version}: ${r.comparison.promoted ? 'promoted to champion' : 'NOT promoted'} (${r.comparison.reason})${r.reclassified ? `; ${r.reclassified} maps enqueued` : ''}\n`,
        );
      } finally {
        progress.stop();
        ports.close();
      }
    });
}
