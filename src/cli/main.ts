import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { isLogFormat, LOG_FORMATS } from '../app/logger.ts';
import { fitsDefaults } from '../fits/read.ts';
import { setDefaultBackendLog } from '../model/backend.ts';
import { COMMANDS, commandEntry } from './command-index.ts';
import { exitCodeFor, formatCliError, UsageError } from './errors.ts';
import { adoptParentStderr, dieWithParent, runWithQuietNative } from './quiet-native.ts';
import { findUnknownOption } from './unknown-options.ts';

const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** The program with its global options and no subcommands yet. */
function baseProgram(): Command {
  const program = new Command('galspin')
    .description('Fast/slow rotator classification from IFS stellar velocity maps')
    .version(VERSION, '--version', 'print the galspin version')
    .option('--verbose', 'details: backend, TensorFlow and per-message log lines, stack traces on error')
    .option(
      '--lenient',
      'read malformed FITS files where a repair is safe (duplicate keywords, bad BLANK, checksum), warning once per repair; strict by default',
    )
    .addOption(
      new Option('--log-format <f>', 'log lines on stderr as text or JSON (env GALSPIN_LOG_FORMAT)').choices([
        ...LOG_FORMATS,
      ]),
    )
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
  // The overview lists names only: the commands are not loaded for it (see ./command-index.ts).
  const help = new Help();
  program.configureHelp({
    subcommandTerm: (c) =>
      commandEntry(c.name()) && c.commands.length === 0 ? c.name() : help.subcommandTerm(c),
  });
  return program;
}

/**
 * Builds the `galspin` program with the named subcommands loaded (all of them by default); the
 * others are listed by name and summary only. Each subcommand lives in its own module under ./commands.
 */
export async function buildProgram(only?: readonly string[]): Promise<Command> {
  const program = baseProgram();
  for (const entry of COMMANDS) {
    if (!only || only.includes(entry.name)) (await entry.load()).register(program);
    else program.command(entry.name);
    // One line per command in `galspin --help`, so the overview fits on one screen.
    program.commands.find((c) => c.name() === entry.name)?.summary(entry.summary);
  }
  return program;
}

/** The program options that take a value (their value is not a command name). */
const GLOBAL_WITH_VALUE = new Set(['--log-format']);

/** The subcommand named on the command line (`galspin [global options] NAME …`, or `help NAME`). */
export function invokedCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a === 'help' ? args[i + 1] : a;
  }
  return undefined;
}

export interface MainOptions {
  /**
   * Run a command that loads libtensorflow in a child process whose native log lines are filtered
   * (./quiet-native.ts); the bin sets it, in-process callers (tests) leave it off.
   */
  quietNative?: boolean;
}

/** Entry point: returns the process exit code (0 ok, 1 bad input, 2 usage). */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const args = argv.slice(2);
  const verbose = args.includes('--verbose');
  const entry = commandEntry(invokedCommand(args));
  const helpOnly = args.some((a) => a === '--help' || a === '-h') || args[0] === 'help';
  const child = adoptParentStderr();
  if (child) dieWithParent();
  if (verbose) process.env.GALSPIN_VERBOSE = '1';
  // Commands that load libtensorflow run in a child whose native log lines are filtered out.
  if (opts.quietNative && entry?.tensorflow && !verbose && !helpOnly && !child)
    return runWithQuietNative(argv);
  setDefaultBackendLog(verbose ? (line) => process.stderr.write(`${line}\n`) : () => {});
  try {
    const program = await buildProgram(entry ? [entry.name] : []);
    const envFormat = process.env.GALSPIN_LOG_FORMAT;
    if (envFormat !== undefined && !isLogFormat(envFormat))
      throw new UsageError(`GALSPIN_LOG_FORMAT=${envFormat}: expected ${LOG_FORMATS.join(' or ')}`);
    // The commands read the format from the environment, as a child process or a Lambda would.
    program.hook('preSubcommand', (p) => {
      const f = p.opts().logFormat;
      if (f) process.env.GALSPIN_LOG_FORMAT = f;
      if (p.opts().lenient) {
        fitsDefaults.lenient = true;
        fitsDefaults.onWarning = (message, file) =>
          process.stderr.write(`galspin: ${file}: repaired: ${message}\n`);
      }
    });
    const sub = entry && program.commands.find((c) => c.name() === entry.name);
    if (sub && !helpOnly) {
      const after = args.slice(args.indexOf(entry.name) + 1);
      const unknown = findUnknownOption(sub, after, program.options);
      // Before commander's own parse, which reports a missing required option first.
      if (unknown)
        (unknown.command as unknown as { unknownOption(flag: string): never }).unknownOption(unknown.option);
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit through here with code 0
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`${formatCliError(err, verbose)}\n`);
    return exitCodeFor(err);
  }
}
