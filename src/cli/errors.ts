/** A command-line usage mistake: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input data (a file, a catalogue, a model folder): exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
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
