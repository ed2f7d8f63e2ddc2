// The error classes' own modules: the indexes pull in the FITS reader and zod, which `--help` need not load.

import { GalspinError, PermanentInputError } from '../errors.ts';

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
