/**
 * Parsing of single 80-character header cards (FITS Standard 4.0, Sect. 4.1–4.2).
 * Values: character strings with '' escapes, logicals T/F, integers (bigint past 2^53),
 * reals (E or D exponent), complex (kept as their literal text), and undefined (null).
 */

export type FitsValue = string | number | boolean | bigint | null;

export interface FitsCard {
  key: string;
  value?: FitsValue;
  comment?: string;
  /** True when a number was written as a real (with '.' or an exponent), e.g. NAXIS1 = 50.0. */
  real?: boolean;
}

export const CARD_LENGTH = 80;

/** Keywords whose card carries free text instead of a value indicator. */
const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);

const INTEGER = /^[+-]?\d+$/;
// Exponent letters are upper case only (Standard 4.0, Sect. 4.2.4): '1e+30' is not a FITS real.
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[ED][+-]?\d+)?$/;
const COMPLEX = /^\(\s*[^,()]+,\s*[^,()]+\)$/;

/** Result of parsing the text after the value indicator. `error` is set on an unparsable value. */
export interface ParsedValue {
  value: FitsValue;
  comment?: string;
  /** True when the value is a string (relevant to CONTINUE handling). */
  isString: boolean;
  /** True when the value is a number written as a real. */
  isReal?: boolean;
  error?: string;
}

/**
 * Parses one card. Returns the key, its value and comment. A card without a value indicator
 * ("= " in columns 9–10) is commentary: its text (columns 9–80) goes into `comment`.
 * Throws a plain Error with a short description on malformed values; the header parser wraps it.
 */
export function parseCard(text: string): FitsCard {
  return parseCardInto(text, { isString: false });
}

/** As parseCard; also tells through `kind` whether the value was a character string. */
export function parseCardInto(text: string, kind: { isString: boolean }): FitsCard {
  const key = text.slice(0, 8).trimEnd();
  kind.isString = false;
  if (key === 'CONTINUE') {
    const parsed = parseValueField(text.slice(8));
    kind.isString = parsed.isString;
    const card: FitsCard = { key, value: parsed.value };
    if (parsed.comment !== undefined) card.comment = parsed.comment;
    return card;
  }
  if (COMMENTARY.has(key) || text.charCodeAt(8) !== 61 || text.charCodeAt(9) !== 32) {
    const comment = text.slice(8).trimEnd();
    return comment ? { key, comment } : { key };
  }
  const parsed = parseValueField(text.slice(10));
  if (parsed.error) throw new Error(`keyword ${key}: ${parsed.error}`);
  kind.isString = parsed.isString;
  const card: FitsCard = { key, value: parsed.value };
  if (parsed.comment !== undefined) card.comment = parsed.comment;
  if (parsed.isReal) card.real = true;
  return card;
}

/** Parses a value field (after "= ") into a value and an optional comment. */
export function parseValueField(field: string): ParsedValue {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (i === field.length) return { value: null, isString: false };
  if (field[i] === '/') return { value: null, comment: field.slice(i + 1).trim(), isString: false };
  if (field[i] === "'") return parseString(field, i);
  const slash = field.indexOf('/', i);
  const raw = (slash < 0 ? field.slice(i) : field.slice(i, slash)).trim();
  const comment = slash < 0 ? undefined : field.slice(slash + 1).trim();
  const value = parseLiteral(raw);
  if (value === undefined)
    return { value: null, comment, isString: false, error: `unreadable value "${raw}"` };
  if (typeof value === 'number' && !INTEGER.test(raw))
    return { value, comment, isString: false, isReal: true };
  return { value, comment, isString: false };
}

function parseString(field: string, start: number): ParsedValue {
  // Scan quote to quote: a doubled quote is an escaped one, a single quote ends the string.
  let out = '';
  let from = start + 1;
  let i: number;
  for (;;) {
    i = field.indexOf("'", from);
    if (i < 0)
      return { value: out + field.slice(from), isString: true, error: 'string value without closing quote' };
    out += field.slice(from, i);
    if (field.charCodeAt(i + 1) !== 39) break;
    out += "'";
    from = i + 2;
  }
  const slash = field.indexOf('/', i + 1);
  const comment = slash < 0 ? undefined : field.slice(slash + 1).trim();
  // Between the closing quote and the comment there may only be spaces (Sect. 4.2.1.1).
  const between = field.slice(i + 1, slash < 0 ? undefined : slash);
  if (between.trim() !== '') {
    return {
      value: out.trimEnd(),
      isString: true,
      error: `text "${between.trim()}" after the closing quote`,
    };
  }
  // Trailing spaces in a string are not significant; leading ones are (Standard 4.2.1.1).
  return { value: out.trimEnd(), comment, isString: true };
}

function parseLiteral(raw: string): FitsValue | undefined {
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  if (INTEGER.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : BigInt(raw);
  }
  if (REAL.test(raw)) return Number(raw.replace(/[Dd]/, 'E'));
  if (COMPLEX.test(raw)) return raw;
  return undefined;
}
