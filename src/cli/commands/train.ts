import { type Command, InvalidArgumentError, Option } from 'commander';
import { trainingProgress } from '../../app/progress.ts';
import { DEFAULT_INPUT_KIND, INPUT_KINDS, type InputKind } from '../../maps/model-input.ts';
import { initBackend } from '../../model/backend.ts';
import { DatasetError, loadSurvey } from '../../model/train/labelled-survey.ts';
import { trainAndSave } from '../../model/train/train-run.ts';
import { integer, positive } from '../args.ts';
import { asInputError, UsageError } from '../errors.ts';

const intList = (name: string) => (v: string) => {
  const xs = v.split(',').map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new InvalidArgumentError(`${name} must be comma-separated positive integers`);
  }
  return xs;
};

interface TrainCliOptions {
  data: string;
  out: string;
  protocol: 'honest' | 'paper';
  epochs: number;
  seed: number;
  batchSize: number;
  patience: number;
  limit?: number;
  filters?: number[];
  dense?: number[];
  lr?: number;
  paperCopies?: number[];
  input: InputKind;
  calibrateOn?: string;
}

/** `galspin train`: survey → trained Table 1 CNN + metrics.json + model card in a model folder. */
export function register(program: Command): void {
  program
    .command('train')
    .description('train the fast/slow rotator CNN (Chegeni et al. 2025, Table 1) on a labeled survey')
    .requiredOption(
      '--data <dir|catalogue>',
      'survey folder with catalogue.csv (galspin simulate) or the catalogue',
    )
    .requiredOption(
      '--out <model-dir>',
      'model folder to write (model.json, weights.bin, metrics.json, model-card.md)',
    )
    .addOption(
      new Option('--protocol <p>', 'honest: split by galaxy first; paper: augment then split (leaky)')
        .choices(['honest', 'paper'])
        .default('honest'),
    )
    .addOption(
      new Option('--input <kind>', "network input: velocity+dispersion (default) or the paper's velocity")
        .choices([...INPUT_KINDS])
        .default(DEFAULT_INPUT_KIND),
    )
    .option(
      '--calibrate-on <survey>',
      'fit the serving temperature on a labeled survey of another generator family (not the test survey)',
    )
    .option('--epochs <n>', 'most epochs (early stopping may end sooner)', integer('--epochs', 1), 60)
    .option('--seed <s>', 'seed of split, augmentation, initial weights', integer('--seed', 0), 1)
    .option('--batch-size <n>', 'mini-batch size', integer('--batch-size', 1), 32)
    .option('--patience <n>', 'early-stopping patience in epochs (val loss)', integer('--patience', 1), 15)
    .option('--limit <n>', 'use only the first n labeled galaxies', integer('--limit', 4))
    .option('--filters <list>', 'conv filters per block (Table 1: 64,128,256)', intList('--filters'))
    .option('--dense <list>', 'dense units (Table 1: 96,32)', intList('--dense'))
    .option('--lr <rate>', 'Adam learning rate (Table 1: 2e-4)', positive('--lr'))
    .option(
      '--paper-copies <fast,slow>',
      'paper protocol: augmented copies per fast,slow galaxy (10,74)',
      intList('--paper-copies'),
    )
    .addHelpText(
      'after',
      `
Backend: GALSPIN_BACKEND=auto|tensorflow-gpu|tensorflow|wasm|cpu (auto picks the fastest present).
Honest protocol: 70/15/15 split by galaxy (stratified, seeded) before augmentation; slow rotators
oversampled ≤7× with fresh rotations/shifts/zooms/flips each epoch; checkpoint on validation only.

Examples:
  galspin train --data runs/survey --out models/mine --epochs 40
  galspin train --data runs/survey --out runs/paper-model --protocol paper --epochs 20`,
    )
    .action(async (o: TrainCliOptions) => {
      if (o.paperCopies && o.paperCopies.length !== 2) throw new UsageError('--paper-copies takes fast,slow');
      const backend = await initBackend();
      const data = await asInputError(
        loadSurvey(o.data, { limit: o.limit, inputKind: o.input }),
        DatasetError,
      );
      const nFast = data.labels.filter((l) => l === 1).length;
      process.stderr.write(
        `galspin: ${data.ids.length} labeled galaxies (${nFast} fast, ${data.ids.length - nFast} slow) from ${data.source}; protocol ${o.protocol}; input ${o.input}\n`,
      );
      const calibrateOn = o.calibrateOn
        ? await asInputError(loadSurvey(o.calibrateOn, { inputKind: o.input }), DatasetError)
        : undefined;
      const progress = trainingProgress();
      const model: Record<string, unknown> = {};
      if (o.filters) model.convFilters = o.filters;
      if (o.dense) model.denseUnits = o.dense;
      if (o.lr) model.learningRate = o.lr;
      const run = await trainAndSave(
        backend.tf,
        backend.name,
        data,
        o.out,
        {
          protocol: o.protocol,
          epochs: o.epochs,
          seed: o.seed,
          batchSize: o.batchSize,
          earlyStoppingPatience: o.patience,
          model,
          ...(o.paperCopies ? { paperCopies: { fast: o.paperCopies[0], slow: o.paperCopies[1] } } : {}),
          onBatch: (d, t) => progress.onBatch(d, t),
          onEpoch: (r, info) => progress.onEpoch(r, info),
        },
        calibrateOn,
      );
      progress.stop();
      const t = run.metrics.test;
      process.stdout.write(
        `${o.out}: ${run.metrics.modelVersion} (${o.protocol}, ${backend.name}) test n=${t.n} accuracy ${t.accuracy.toFixed(3)} ` +
          `precision(fast) ${t.perClass.fast.precision.toFixed(3)} AUC ${t.auc.toFixed(3)} ` +
          `ECE ${t.calibration.eceBefore.toFixed(3)}→${t.calibration.eceAfter.toFixed(3)} (T=${t.calibration.temperature.toFixed(2)})\n`,
      );
    });
}
