/**
 * Option-argument parsers shared by the commands: each returns commander's parser for one option
 * and fails with a one-line InvalidArgumentError that names the option.
 */
import { InvalidArgumentError } from 'commander';

/** An integer in [min, max] (no upper bound when `max` is omitted). */
export function integer(name: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        Number.isFinite(max)
          ? `${name} must be an integer in ${min}..${max}`
          : `${name} must be an integer ≥ ${min}`,
      );
    return n;
  };
}

/** A finite number > 0. */
export function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

/** A number in [0, 1] (a probability or a fraction). */
export function unitInterval(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`${name} must be a number in [0, 1]`);
    return n;
  };
}
