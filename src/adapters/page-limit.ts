import { PAGE_LIMIT } from '../ports.ts';

/** Page size within [1, PAGE_LIMIT.max], PAGE_LIMIT.default when unset. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return PAGE_LIMIT.default;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`page limit must be a positive integer: ${limit}`);
  return Math.min(limit, PAGE_LIMIT.max);
}

/** Inclusive probability bounds, validated. */
export function probabilityBounds(min?: number, max?: number): { lo: number; hi: number } {
  const lo = min ?? 0;
  const hi = max ?? 1;
  if (!(lo >= 0 && hi <= 1 && lo <= hi)) throw new RangeError(`invalid probability range [${min}, ${max}]`);
  return { lo, hi };
}
