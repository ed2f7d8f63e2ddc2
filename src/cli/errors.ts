// The error classes' own modules: the indexes pull in the FITS reader and zod, which `--help` need not load.

import { GalspinError, PermanentInputError } from '../errors.ts';
import { FitsError } from '../fits/errors.ts';
import { MapError } from '../maps/types.ts';

/** A command-line usage mistake: exit code 2. */
export class UsageError extends GalspinError {
  override name = 'UsageError';
}

/** Bad input data (a file, a catalogue, a model folder): exit code 1. */
export class InputError extends PermanentInputError {
  override name = 'InputError';
}

/** Awaits `work`, turning the given error classes (bad input, not bugs) into an InputError. */
export async function asInputError<T>(
  work: Promise<T>,
  ...kinds: (abstract new (
    ...args: never[]
  ) => Error)[]
): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (kinds.some((k) => err instanceof k)) throw new InputError((err as Error).message);
    throw err;
  }
}

export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}

/** One line naming what went wrong; the stack only with --verbose. */
export function formatCliError(err: unknown, verbose: boolean): string {
  if (!(err instanceof Error)) return `galspin: ${String(err)}`;
  const line = `galspin: ${err.message.split('\n')[0]}`;
  return verbose && err.stack ? `${line}\n${err.stack}` : line;
}

/**
 * One stderr line for a file that cannot be read (FITS, map or file-system error), so a
 * multi-file command can go on with the others; anything else is a bug and is rethrown.
 */
export function reportFileError(file: string, err: unknown): void {
  const named = err instanceof MapError || err instanceof FitsError;
  if (!named && !(err as NodeJS.ErrnoException | undefined)?.code) throw err;
  const msg = named ? (err as Error).message : `${file}: ${(err as Error).message}`;
  process.stderr.write(`galspin: ${msg.split('\n')[0]}\n`);
}
