import { PermanentInputError } from '../errors.ts';
import { PAGE_LIMIT } from './storage.ts';

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

/**
 * Bounds of one unpaged read (`getGalaxy`): at most `rows` rows of each kind (results, uploads),
 * fetched in at most `pages` round trips. A galaxy has one result per model version and one row per
 * upload that named it, so a real one stays far below; beyond it the read stops with
 * {@link ReadLimitError} instead of paging on without end.
 */
export const GALAXY_READ_LIMIT = { rows: 1000, pages: 20 } as const;

/** An unpaged read met its bound (GALAXY_READ_LIMIT); the paged queries reach the same rows. */
export class ReadLimitError extends PermanentInputError {
  override name = 'ReadLimitError';
}

/** Throws {@link ReadLimitError} once `rows` exceed the bound for `what` (e.g. "galaxy X results"). */
export function checkReadLimit(what: string, rows: number, pages = 1): void {
  if (rows > GALAXY_READ_LIMIT.rows || pages > GALAXY_READ_LIMIT.pages) {
    throw new ReadLimitError(
      `${what}: more than ${GALAXY_READ_LIMIT.rows} rows (or ${GALAXY_READ_LIMIT.pages} pages); page through /status or /results with a cursor instead`,
    );
  }
}
