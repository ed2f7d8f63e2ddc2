/**
 * Errors that decide a message's fate. A {@link RejectedInputError} is permanent: the object is
 * recorded as REJECTED and the message is deleted (no retry storm). Anything else thrown from a
 * service is treated as transient: the message stays, is redelivered, and reaches the DLQ after
 * `LIMITS.maxReceiveCount` receives.
 */
import { BlobNotFoundError, BlobTooLargeError } from '../ports.ts';

export class RejectedInputError extends Error {
  override name = 'RejectedInputError';
}

/** A model version was asked for that the store does not hold. */
export class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}

/** No champion model exists yet: classify cannot run until one is trained and promoted. */
export class NoChampionError extends Error {
  override name = 'NoChampionError';
}

/** Error classes (by name, so copies across module instances match) that mean "this input is bad". */
const PERMANENT = new Set([
  'RejectedInputError',
  'FitsError',
  'MapError',
  'MapCodecError',
  'BlobTooLargeError',
  'BlobNotFoundError',
  'MessageError',
]);

export function isPermanentInputError(err: unknown): err is Error {
  if (err instanceof BlobTooLargeError || err instanceof BlobNotFoundError) return true;
  return err instanceof Error && PERMANENT.has(err.name);
}

/** The first line of an error, for a row's `reason` (≤ 1000 characters). */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0].trim() || (err instanceof Error ? err.name : 'error');
  return line.length > 1000 ? `${line.slice(0, 997)}...` : line;
}
