import { Command, CommanderError } from 'commander';
import { register as registerExplain } from './commands/explain.ts';
import { register as registerInspect } from './commands/inspect.ts';
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

/** Builds the `galspin` program. Each subcommand lives in its own module under ./commands. */
export function buildProgram(): Command {
  const program = new Command('galspin')
    .description('Fast/slow rotator classification from IFS stellar velocity maps')
    .option('--verbose', 'print stack traces and debug details on error')
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
    registerExplain,
    registerRun,
    registerQuery,
    registerReport,
    registerRedrive,
    registerRetrain,
  ]) {
    register(program);
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
