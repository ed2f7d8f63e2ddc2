/**
 * Header units: a run of 2880-byte blocks of 80-character cards ending with END
 * (FITS Standard 4.0, Sect. 4.1, 4.4.1). Every card is checked as the header is read:
 *
 * - only printable ASCII (0x20–0x7E) in a header (Sect. 4.1.1);
 * - keyword names of A–Z, 0–9, '-' and '_', left-justified (Sect. 4.1.2.1);
 * - a value after "= " must parse as a FITS value (Sect. 4.2);
 * - a keyword may not take two different values; an exact repeat (SAMI DR2 writes EXTEND twice)
 *   is tolerated, as it cannot be misread;
 * - END is "END" and 77 spaces, and the rest of its block is spaces (Sect. 4.4.1).
 *
 * Long strings continued with the CONTINUE convention (Sect. 4.2.1.2) are joined.
 * In lenient mode a broken non-essential card is dropped, a repeated keyword keeps its last value
 * (as astropy does), and each repair is reported through `warn`.
 */
import { CARD_LENGTH, type FitsCard, type FitsValue, parseCardInto } from './cards.ts';
import { FitsProblem } from './errors.ts';
import { isReserved } from './keywords.ts';

export const BLOCK = 2880;
const CARDS_PER_BLOCK = BLOCK / CARD_LENGTH;

export interface FitsHeader {
  /** The value of the keyword (a keyword holds one value; see the module note on repeats). */
  get(key: string): FitsValue | undefined;
  getString(key: string): string | undefined;
  /** Numbers, and bigints converted to number; undefined for anything else. */
  getNumber(key: string): number | undefined;
  has(key: string): boolean;
  readonly cards: readonly FitsCard[];
}

/** A parsed header: every card, in order (blank cards included), and each keyword's value. */
export class Header implements FitsHeader {
  readonly cards: readonly FitsCard[];
  private readonly values = new Map<string, FitsValue>();
  private readonly positions = new Map<string, number>();

  constructor(cards: FitsCard[]) {
    this.cards = cards;
    for (let i = 0; i < cards.length; i++) {
      const card = cards[i];
      if (!this.positions.has(card.key)) this.positions.set(card.key, i);
      if (card.value !== undefined && !COMMENTARY_KEYS.has(card.key)) this.values.set(card.key, card.value);
    }
  }

  /** The first card (SIMPLE or XTENSION in a valid header). */
  leadingCard(): FitsCard | undefined {
    return this.cards[0];
  }

  /** Index of the first card with this keyword, or -1. */
  position(key: string): number {
    return this.positions.get(key) ?? -1;
  }

  get(key: string): FitsValue | undefined {
    return this.values.get(key.toUpperCase());
  }

  /** True when the keyword is present, even with an undefined (empty) value. */
  present(key: string): boolean {
    return this.values.has(key.toUpperCase());
  }

  getString(key: string): string | undefined {
    const v = this.get(key);
    return typeof v === 'string' ? v : undefined;
  }

  getNumber(key: string): number | undefined {
    const v = this.get(key);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

const COMMENTARY_KEYS = new Set(['COMMENT', 'HISTORY', '', 'CONTINUE']);
const KEYWORD = /^[A-Z0-9_-]* *$/;

export interface ParsedHeader {
  header: Header;
  /** Byte offset of the first data block (just past the header's last block). */
  dataOffset: number;
}

/** Why a header could not be read; the reader turns it into a FitsError naming file and HDU. */
export class HeaderProblem extends FitsProblem {}

/** How strictly to read, and where lenient repairs are reported. */
export interface HeaderContext {
  lenient: boolean;
  warn(message: string): void;
}

const STRICT: HeaderContext = {
  lenient: false,
  warn() {},
};

const END_BLANK = 'END'.padEnd(CARD_LENGTH);

/**
 * Reads the header that starts at `offset`. Throws HeaderProblem when the END card is missing
 * before the end of the bytes, when a block is cut short, or when a card breaks a rule above.
 */
export function parseHeader(bytes: Uint8Array, offset: number, ctx: HeaderContext = STRICT): ParsedHeader {
  const texts: string[] = [];
  let pos = offset;
  for (;;) {
    if (pos + BLOCK > bytes.length) {
      throw new HeaderProblem(
        pos >= bytes.length
          ? `header has no END card (file ends at byte ${bytes.length})`
          : `truncated header: last block is ${bytes.length - pos} of ${BLOCK} bytes`,
      );
    }
    const block = latin1(bytes, pos, pos + BLOCK);
    let bad = firstNonPrintable(block, 0, pos);
    for (let c = 0; c < CARDS_PER_BLOCK; c++) {
      const text = block.slice(c * CARD_LENGTH, (c + 1) * CARD_LENGTH);
      const cardStart = pos + c * CARD_LENGTH;
      if (bad >= 0 && bad < cardStart + CARD_LENGTH && bad >= cardStart) {
        const problem = `card ${texts.length + 1} (${text.slice(0, 8).trimEnd() || 'blank'}) holds byte 0x${bytes[bad].toString(16).padStart(2, '0')} at column ${bad - cardStart + 1}: only printable ASCII is allowed in a header`;
        if (!ctx.lenient) throw new HeaderProblem(problem);
        ctx.warn(`${problem}; card dropped`);
        texts.push(' '.repeat(CARD_LENGTH));
        bad = firstNonPrintable(block, (c + 1) * CARD_LENGTH, pos);
        continue;
      }
      if (text.startsWith('END     ')) {
        if (text !== END_BLANK) {
          const problem = 'END card has text after END';
          if (!ctx.lenient) throw new HeaderProblem(problem);
          ctx.warn(`${problem}; ignored`);
        }
        checkPadding(block, c + 1, ctx);
        return { header: makeHeader(texts, ctx), dataOffset: pos + BLOCK };
      }
      texts.push(text);
    }
    pos += BLOCK;
  }
}

/** Anything but printable ASCII (0x20–0x7E). */
const NON_PRINTABLE = /[^ -~]/g;

/**
 * File offset of the first character outside 0x20–0x7E in `block` from index `from`, or −1.
 * (A native regex scan of the block's latin1 text: several times faster than a byte loop.)
 */
function firstNonPrintable(block: string, from: number, blockStart: number): number {
  NON_PRINTABLE.lastIndex = from;
  const m = NON_PRINTABLE.exec(block);
  return m ? blockStart + m.index : -1;
}

function checkPadding(block: string, fromCard: number, ctx: HeaderContext): void {
  for (let i = fromCard * CARD_LENGTH; i < BLOCK; i++) {
    if (block.charCodeAt(i) !== 0x20) {
      const problem = `header block is not blank after END (byte 0x${block.charCodeAt(i).toString(16).padStart(2, '0')} at ${i - fromCard * CARD_LENGTH + 1} bytes past END)`;
      if (!ctx.lenient) throw new HeaderProblem(problem);
      ctx.warn(`${problem}; ignored`);
      return;
    }
  }
}

/** Parses every card; checks names, values and repeats; joins CONTINUE long strings. */
function makeHeader(texts: string[], ctx: HeaderContext): Header {
  const cards: FitsCard[] = [];
  const isString: boolean[] = [];
  const kind = { isString: false };
  const seen = new Map<string, FitsValue | undefined>();
  let continued = false;
  for (let n = 0; n < texts.length; n++) {
    const text = texts[n];
    const card = checkedCard(text, n + 1, kind, ctx);
    if (card.key === 'CONTINUE') continued = true;
    cards.push(card);
    isString.push(kind.isString);
    if (card.value === undefined || COMMENTARY_KEYS.has(card.key)) continue;
    if (seen.has(card.key)) {
      const before = seen.get(card.key);
      if (!sameValue(before, card.value)) {
        const problem = `duplicate keyword ${card.key} (${show(before)}, then ${show(card.value)})`;
        if (!ctx.lenient) throw new HeaderProblem(problem);
        ctx.warn(`${problem}; the last value is used, as astropy does`);
      }
    }
    seen.set(card.key, card.value);
  }
  return new Header(continued ? joinContinued(cards, isString) : cards);
}

/**
 * One card, checked. A keyword the reader relies on (mandatory, scaling, table, compression,
 * checksum; see keywords.ts) must have a readable value even in lenient mode: guessing it would
 * misread the data.
 */
function checkedCard(text: string, n: number, kind: { isString: boolean }, ctx: HeaderContext): FitsCard {
  const field = text.slice(0, 8);
  const key = field.trimEnd();
  kind.isString = false;
  if (key === 'HIERARCH') return { key, comment: text.slice(8).trimEnd() };
  if (!KEYWORD.test(field)) {
    const problem = `card ${n}: illegal keyword name '${key}'`;
    if (!ctx.lenient) throw new HeaderProblem(problem);
    ctx.warn(`${problem}; card dropped`);
    return { key: '', comment: text.trimEnd() };
  }
  const indicator = text.charCodeAt(8) === 61;
  if (indicator && text.charCodeAt(9) !== 32 && key !== '' && key !== 'COMMENT' && key !== 'HISTORY') {
    const problem = `keyword ${key}: value indicator is '${text.slice(8, 10)}', not '= '`;
    if (!ctx.lenient || isReserved(key)) throw new HeaderProblem(problem);
    ctx.warn(`${problem}; card read as commentary`);
  }
  let card: FitsCard;
  try {
    card = parseCardInto(text, kind);
  } catch (err) {
    const problem = (err as Error).message;
    if (!ctx.lenient || isReserved(key)) throw new HeaderProblem(problem);
    ctx.warn(`${problem}; card read as commentary`);
    kind.isString = false;
    return { key, comment: text.slice(8).trimEnd() };
  }
  if (card.value === undefined && isReserved(key) && key !== 'CONTINUE') {
    throw new HeaderProblem(`keyword ${key} has no value (no '= ' in columns 9–10)`);
  }
  return card;
}

function sameValue(a: FitsValue | undefined, b: FitsValue | undefined): boolean {
  return a === b || (typeof a === 'bigint' && typeof b === 'bigint' && a === b);
}

function show(v: FitsValue | undefined): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  return String(v);
}

/** Joins string values ending in '&' with the CONTINUE cards that follow (HEASARC convention). */
function joinContinued(raw: FitsCard[], isString: boolean[]): FitsCard[] {
  const cards: FitsCard[] = [];
  for (let i = 0; i < raw.length; i++) {
    const card = raw[i];
    if (card.key === 'CONTINUE') {
      // An orphan CONTINUE is kept as commentary so nothing is silently lost.
      cards.push({ key: 'CONTINUE', comment: typeof card.value === 'string' ? card.value : card.comment });
      continue;
    }
    if (isString[i] && typeof card.value === 'string') {
      let value = card.value;
      let comment = card.comment;
      while (value.endsWith('&') && raw[i + 1]?.key === 'CONTINUE' && isString[i + 1]) {
        i++;
        value = value.slice(0, -1) + (raw[i].value as string);
        if (raw[i].comment) comment = comment ? `${comment} ${raw[i].comment}` : raw[i].comment;
      }
      card.value = value.trimEnd(); // trailing spaces are insignificant in the joined string too
      if (comment !== undefined) card.comment = comment;
    }
    cards.push(card);
  }
  return cards;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  // One native decode per 2880-byte block; cards are then cheap substrings of it.
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
