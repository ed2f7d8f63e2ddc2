/**
 * Pipeline errors. Their fate follows their base class (src/errors.ts `fateOf`): a
 * {@link RejectedInputError} is permanent (the object is REJECTED and its message deleted), a
 * TransientError is redelivered and dead-lettered after `LIMITS.maxReceiveCount` receives, and any
 * other GalspinError becomes a FAILED row naming the file.
 */
import { GalspinError, PermanentInputError } from '../errors.ts';

export { oneLine } from '../errors.ts';

export class RejectedInputError extends PermanentInputError {
  override name = 'RejectedInputError';
}

/** A model version was asked for that the store does not hold. */
export class ModelNotFoundError extends GalspinError {
  override name = 'ModelNotFoundError';
}

/** No champion model exists yet: classify cannot run until one is trained and promoted. */
export class NoChampionError extends GalspinError {
  override name = 'NoChampionError';
}
