/**
 * Opaque pagination cursors shared by the index adapters: base64url JSON tagged with the query it
 * belongs to, so a cursor replayed against another query fails loudly instead of skipping rows.
 */
import { CursorError } from '../ports.ts';

export function encodeCursor(tag: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ t: tag, p: position })).toString('base64url');
}

export function decodeCursor<T>(tag: string, cursor: string | undefined): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: { t?: unknown; p?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('invalid pagination cursor');
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.t !== tag || parsed.p === undefined) {
    throw new CursorError('pagination cursor belongs to another query');
  }
  return parsed.p as T;
}
