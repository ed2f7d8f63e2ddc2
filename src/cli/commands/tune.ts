import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { initBackend } from '../../model/backend.ts';
import { DatasetError, loadSurvey } from '../../model/train/labelled-survey.ts';
import { type TrialResult, type TunerStrategy, trialsCsv, tune } from '../../model/train/tuner.ts';
import { integer, positive } from '../args.ts';
import { asInputError } from '../errors.ts';

const describeTrial = (t: TrialResult) =>
  `trial ${t.trial}: filters ${t.config.convFilters.join('-')} lr ${t.config.learningRate} ` +
  `epochs ${t.epochs} → val acc ${t.valAcc.toFixed(3)} val loss ${t.valLoss.toFixed(3)} (${t.seconds.toFixed(1)} s)`;

interface TuneCliOptions {
  data: string;
  out: string;
  strategy: TunerStrategy;
  trials: number;
  maxMinutes: number;
  epochs: number;
  eta: number;
  seed: number;
  batchSize: number;
  limit?: number;
}

/** `galspin tune`: Keras-Tuner-like search over conv blocks, filters and learning rate. */
export function register(program: Command): void {
  program
    .command('tune')
    .description(
      'hyperparameter search (1–4 conv blocks, 32–256 filters, lr 1e-2/1e-3/1e-4), chosen on validation',
    )
    .requiredOption(
      '--data <dir>',
      'survey folder with catalogue.csv (galspin simulate) or the catalogue file',
    )
    .requiredOption('--out <dir>', 'folder for trials.csv and tuning.json')
    .addOption(
      new Option('--strategy <s>', 'search strategy').choices(['random', 'hyperband']).default('random'),
    )
    .option('--trials <n>', 'most training runs', integer('--trials', 1, 10_000), 10)
    .option('--max-minutes <m>', 'wall-clock budget; no trial starts after it', positive('--max-minutes'), 60)
    .option(
      '--epochs <n>',
      'epochs per trial (Hyperband: the most any trial gets)',
      integer('--epochs', 1, 1000),
      10,
    )
    .option('--eta <n>', 'Hyperband reduction factor', integer('--eta', 2, 10), 3)
    .option('--seed <s>', 'seed of split, sampling and weights', integer('--seed', 0, 2 ** 31 - 1), 1)
    .option('--batch-size <n>', 'mini-batch size', integer('--batch-size', 1, 4096), 32)
    .option('--limit <n>', 'use only the first n labeled galaxies', integer('--limit', 4, 1_000_000))
    .exitOverride()
    .addHelpText(
      'after',
      `
Every trial trains with the honest protocol on the same by-galaxy split; trials are ranked by
validation accuracy (ties: validation loss). The test split is never used here: evaluate the chosen
configuration with galspin train (--filters, --lr).

Example:
  galspin tune --data runs/survey --out runs/tune --trials 12 --max-minutes 30
  galspin tune --data runs/survey --out runs/tune --strategy hyperband --epochs 27`,
    )
    .action(async (o: TuneCliOptions) => {
      const { tf, name } = await initBackend();
      const data = await asInputError(loadSurvey(o.data, { limit: o.limit }), DatasetError);
      process.stderr.write(
        `galspin: tuning on ${data.ids.length} labeled galaxies from ${data.source} (${o.strategy}, ≤${o.trials} trials, ≤${o.maxMinutes} min, ${name})\n`,
      );
      const result = await tune(tf, data, {
        strategy: o.strategy,
        maxTrials: o.trials,
        maxMinutes: o.maxMinutes,
        epochs: o.epochs,
        eta: o.eta,
        seed: o.seed,
        train: { batchSize: o.batchSize },
        onTrial: (t) => process.stderr.write(`galspin: ${describeTrial(t)}\n`),
      });
      await mkdir(o.out, { recursive: true });
      await writeFile(join(o.out, 'trials.csv'), trialsCsv(result.trials));
      await writeFile(
        join(o.out, 'tuning.json'),
        `${JSON.stringify(
          {
            strategy: result.strategy,
            backend: name,
            data: { source: data.source, hash: data.hash, nGalaxies: data.ids.length, splitSeed: o.seed },
            selection: 'validation accuracy, then validation loss; test split unused',
            stopped: result.stopped,
            seconds: result.seconds,
            best: result.best ?? null,
            trials: result.trials,
          },
          null,
          2,
        )}\n`,
      );
      const b = result.best;
      process.stdout.write(
        b
          ? `${o.out}: best of ${result.trials.length} trials (${result.stopped}): ${describeTrial(b)}\n`
          : `${o.out}: no trial ran (${result.stopped})\n`,
      );
    });
}
