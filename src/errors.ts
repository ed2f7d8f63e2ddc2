/**
 * The bases every galspin error class extends. A service decides a file's fate from the base
 * alone, never from a list of names:
 *
 * - {@link PermanentInputError}: this input is bad and retrying cannot help. The file gets a
 *   REJECTED row with the one-line reason, and its message is deleted.
 * - {@link TransientError}: the world failed (a network call, a throttled service, a full disk).
 *   The message stays and is redelivered; after `LIMITS.maxReceiveCount` receives it is
 *   dead-lettered and can be redriven.
 * - {@link GalspinError}: a galspin fault that is neither (a bad configuration, a missing model,
 *   a broken invariant). Within a per-file step it becomes that file's FAILED row with the reason,
 *   so one file never stops a run.
 *
 * Anything that is not a GalspinError (a RangeError deep in a decoder, a TypeError) is a bug.
 * While processing one file it is still contained to that file's row: see `fateOf`.
 */

/** Base of every error galspin raises on purpose. */
export class GalspinError extends Error {
  override name = 'GalspinError';
}

/** Bad input: the file (or request) is at fault, and a retry gives the same answer. */
export class PermanentInputError extends GalspinError {
  override name = 'PermanentInputError';
}

/** A failure outside the input (I/O, network, throttling) that a later retry may not meet. */
export class TransientError extends GalspinError {
  override name = 'TransientError';
}

/** What becomes of a unit of work after an error, decided by the error's base class. */
export type ErrorFate = 'rejected' | 'retry' | 'failed';

/**
 * The fate of one file's work after `err`.
 *
 * - PermanentInputError → `rejected` (a REJECTED row).
 * - TransientError, and errors from outside galspin that carry a Node system `code` (ECONNRESET,
 *   EMFILE…) or the AWS SDK's `$retryable`/`$metadata` marks → `retry` (redelivered, then DLQ).
 * - Everything else → `failed` (a FAILED row naming the error): a bug in one file's processing
 *   never aborts the run, and never loops through redeliveries.
 */
export function fateOf(err: unknown): ErrorFate {
  if (err instanceof PermanentInputError) return 'rejected';
  if (err instanceof TransientError) return 'retry';
  if (err instanceof GalspinError) return 'failed';
  if (isOutsideFailure(err)) return 'retry';
  return 'failed';
}

function isOutsideFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; $retryable?: unknown; $metadata?: unknown };
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return true;
  return e.$retryable !== undefined || e.$metadata !== undefined;
}

/** The first line of an error, for a row's `reason` (≤ 1000 characters). */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0].trim() || (err instanceof Error ? err.name : 'error');
  return line.length > 1000 ? `${line.slice(0, 997)}...` : line;
}
