/**
 * The value types of the keywords the reader relies on (FITS Standard 4.0, Sect. 4.4.1–4.4.2,
 * 7.2–7.3; tiled-image convention, Sect. 10; checksum convention). A keyword of the wrong type is
 * an error, never "absent": `BSCALE = '0.0457'` must not read as unscaled data.
 */
import type { FitsCard, FitsValue } from './cards.ts';
import { FitsProblem } from './errors.ts';

export class KeywordProblem extends FitsProblem {}

type Kind = 'logical' | 'integer' | 'number' | 'string' | 'integer-or-string' | 'any';

const FIXED: Record<string, Kind> = {
  SIMPLE: 'logical',
  EXTEND: 'logical',
  GROUPS: 'logical',
  BITPIX: 'integer',
  NAXIS: 'integer',
  PCOUNT: 'integer',
  GCOUNT: 'integer',
  XTENSION: 'string',
  EXTNAME: 'string',
  EXTVER: 'integer',
  EXTLEVEL: 'integer',
  BSCALE: 'number',
  BZERO: 'number',
  BLANK: 'integer',
  TFIELDS: 'integer',
  THEAP: 'integer',
  CHECKSUM: 'string',
  DATASUM: 'string',
  ZIMAGE: 'logical',
  ZBITPIX: 'integer',
  ZNAXIS: 'integer',
  ZCMPTYPE: 'string',
  ZQUANTIZ: 'string',
  ZDITHER0: 'integer',
  ZSCALE: 'number',
  ZZERO: 'number',
  ZBLANK: 'integer',
  ZSIMPLE: 'logical',
  ZEXTEND: 'logical',
  ZBLOCKED: 'logical',
  ZTENSION: 'string',
  ZPCOUNT: 'integer',
  ZGCOUNT: 'integer',
  ZHECKSUM: 'string',
  ZDATASUM: 'string',
};

/** Indexed keywords: prefix + 1..999. */
const INDEXED: [RegExp, Kind][] = [
  [/^NAXIS\d{1,3}$/, 'integer'],
  [/^ZNAXIS\d{1,3}$/, 'integer'],
  [/^ZTILE\d{1,3}$/, 'integer'],
  [/^ZNAME\d{1,3}$/, 'string'],
  // Every parameter of the convention (BLOCKSIZE, BYTEPIX, NOISEBIT, SCALE, SMOOTH) is a number.
  [/^ZVAL\d{1,3}$/, 'number'],
  [/^TFORM\d{1,3}$/, 'string'],
  [/^TTYPE\d{1,3}$/, 'string'],
  [/^TUNIT\d{1,3}$/, 'string'],
  [/^TBCOL\d{1,3}$/, 'integer'],
  [/^TSCAL\d{1,3}$/, 'number'],
  [/^TZERO\d{1,3}$/, 'number'],
  [/^TNULL\d{1,3}$/, 'integer-or-string'],
  [/^PTYPE\d{1,3}$/, 'string'],
  [/^PSCAL\d{1,3}$/, 'number'],
  [/^PZERO\d{1,3}$/, 'number'],
];

/** Keyword → kind (null: not reserved). Keyword names repeat across files, so this stays small. */
const kinds = new Map<string, Kind | null>();

function kindOf(key: string): Kind | undefined {
  let kind = kinds.get(key);
  if (kind === undefined) {
    kind = FIXED[key] ?? INDEXED.find(([re]) => re.test(key))?.[1] ?? null;
    if (kinds.size < 100_000) kinds.set(key, kind);
  }
  return kind ?? undefined;
}

/** True for a keyword whose value the reader uses: it must be readable, even when lenient. */
export function isReserved(key: string): boolean {
  return kindOf(key) !== undefined;
}

/** `real`: the number was written with a '.' or an exponent, which an integer keyword may not be. */
function fits(kind: Kind, v: FitsValue, real: boolean): boolean {
  switch (kind) {
    case 'logical':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v) && !real);
    case 'number':
      return typeof v === 'bigint' || typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'integer-or-string':
      return (
        typeof v === 'string' ||
        typeof v === 'bigint' ||
        (typeof v === 'number' && Number.isInteger(v) && !real)
      );
    case 'any':
      return true;
  }
}

const NOUN: Record<Kind, string> = {
  logical: 'a logical (T or F)',
  integer: 'an integer',
  number: 'a number',
  string: 'a character string',
  'integer-or-string': 'an integer or a string',
  any: 'a value',
};

/**
 * Checks the type of every reserved keyword in the header. An empty value (`KEY =` with nothing)
 * of a reserved keyword is an error too. BLANK is left to the image reader, which may ignore it
 * when lenient (astropy ignores a non-integer BLANK with a warning).
 */
export function checkKeywordTypes(header: { cards: readonly FitsCard[] }, lenient: boolean): void {
  for (const card of header.cards) {
    const kind = kindOf(card.key);
    if (!kind || card.value === undefined) continue;
    if (card.key === 'BLANK' && lenient) continue;
    if (card.value === null) throw new KeywordProblem(`keyword ${card.key} has an empty value`);
    if (!fits(kind, card.value, card.real === true)) {
      const shown =
        card.real && Number.isInteger(card.value) ? `${describe(card.value)}.0` : describe(card.value);
      throw new KeywordProblem(`keyword ${card.key} = ${shown} is not ${NOUN[kind]}`);
    }
  }
}

export function describe(v: FitsValue | undefined): string {
  if (v === undefined || v === null) return '(empty)';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  return String(v);
}
