/**
 * Opaque pagination cursors shared by the index adapters: base64url JSON tagged with the query it
 * belongs to, so a cursor replayed against another query fails loudly instead of skipping rows.
 *
 * A cursor comes back from the caller, so it is untrusted input: it is decoded strictly (base64url
 * alphabet only, bounded length, JSON of the right shape) and its position is checked against the
 * adapter's schema before any of it reaches a database. Every failure is a {@link CursorError}
 * (→ 400 at the API), never an error from the database driver.
 */
import type { z } from 'zod';
import { CursorError } from './storage.ts';

/** Longest cursor accepted, in characters (the HTTP API admits the same). */
export const MAX_CURSOR_CHARS = 4096;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(tag: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ t: tag, p: position })).toString('base64url');
}

/**
 * The position inside `cursor`, validated by `position`; `undefined` for no cursor (first page).
 * Throws {@link CursorError} for anything this index could not have issued for this query.
 */
export function decodeCursor<T>(
  tag: string,
  cursor: string | undefined,
  position: z.ZodType<T>,
): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > MAX_CURSOR_CHARS || !BASE64URL.test(cursor)) {
    throw new CursorError('invalid pagination cursor: not a cursor this API issued');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('invalid pagination cursor: not a cursor this API issued');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CursorError('invalid pagination cursor: not a cursor this API issued');
  }
  const { t, p } = parsed as { t?: unknown; p?: unknown };
  if (t !== tag) throw new CursorError('pagination cursor belongs to another query');
  const checked = position.safeParse(p);
  if (!checked.success) throw new CursorError('invalid pagination cursor: its position was altered');
  return checked.data;
}
