import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { register as registerAudit } from './commands/audit.ts';
import { register as registerEvaluate } from './commands/evaluate.ts';
import { register as registerExplain } from './commands/explain.ts';
import { register as registerInspect } from './commands/inspect.ts';
import { register as registerModels } from './commands/models.ts';
import { register as registerMoran } from './commands/moran.ts';
import { register as registerPredict } from './commands/predict.ts';
import { register as registerQuery } from './commands/query.ts';
import { register as registerRedrive } from './commands/redrive.ts';
import { register as registerReport } from './commands/report.ts';
import { register as registerRetrain } from './commands/retrain.ts';
import { register as registerRun } from './commands/run.ts';
import { register as registerSimulate } from './commands/simulate.ts';
import { register as registerTrain } from './commands/train.ts';
import { register as registerTune } from './commands/tune.ts';
import { exitCodeFor, formatCliError } from './errors.ts';

const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

const SUMMARIES: Record<string, string> = {
  inspect: 'HDUs of FITS files, with statistics',
  simulate: 'write a synthetic SAMI DR3-like survey',
  moran: "global Moran's I of velocity maps",
  train: 'train the Table 1 CNN on a labeled survey',
  tune: 'hyperparameter search (validation only)',
  predict: 'classify maps: fast / slow / uncertain',
  explain: 'Integrated Gradients attribution maps',
  run: 'the whole pipeline on this machine',
  query: 'query the results index',
  report: 'static HTML report with the figures',
  redrive: 'move dead letters back to their queue',
  retrain: 'retrain now (locally or as an ECS task)',
  models: "push a champion into the pipeline's model store",
};

/** Builds the `galspin` program. Each subcommand lives in its own module under ./commands. */
export function buildProgram(): Command {
  const program = new Command('galspin')
    .description('Fast/slow rotator classification from IFS stellar velocity maps')
    .version(VERSION, '--version', 'print the galspin version')
    .option('--verbose', 'stack traces and details on error')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  galspin inspect test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits
  galspin simulate --out runs/survey --n 200 --seed 1
  galspin run                      # whole local pipeline on a demo survey`,
    );
  // Set before the subcommands exist so that each inherits them (usage errors exit 2, not 1).
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of [
    registerInspect,
    registerSimulate,
    registerMoran,
    registerTrain,
    registerTune,
    registerPredict,
    registerEvaluate,
    registerExplain,
    registerRun,
    registerQuery,
    registerReport,
    registerRedrive,
    registerRetrain,
    registerModels,
    registerAudit,
  ]) {
    register(program);
  }
  // One line per command in `galspin --help`, so the overview fits on one screen.
  for (const command of program.commands) {
    const summary = SUMMARIES[command.name()];
    if (summary) command.summary(summary);
  }
  return program;
}

/** Entry point: returns the process exit code (0 ok, 1 bad input, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit through here with code 0
      return err.exitCode === 0 ? 0 : 2;
    }
    const verbose = argv.includes('--verbose');
    process.stderr.write(`${formatCliError(err, verbose)}\n`);
    return exitCodeFor(err);
  }
}
