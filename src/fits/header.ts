/**
 * Header units: a run of 2880-byte blocks of 80-character cards ending with END
 * (FITS Standard 4.0, Sect. 4.1). Duplicate keywords keep their first value; string values
 * continued with the CONTINUE long-string convention (Standard 4.2.1.2) are joined.
 */
import { CARD_LENGTH, type FitsCard, type FitsValue, parseCardInto } from './cards.ts';

export const BLOCK = 2880;
const CARDS_PER_BLOCK = BLOCK / CARD_LENGTH;

export interface FitsHeader {
  /** The value of the first card with this keyword. */
  get(key: string): FitsValue | undefined;
  getString(key: string): string | undefined;
  /** Numbers, and bigints converted to number; undefined for anything else. */
  getNumber(key: string): number | undefined;
  has(key: string): boolean;
  readonly cards: readonly FitsCard[];
}

/**
 * A parsed header. Built from card texts, it parses a card's value only when its keyword is first
 * asked for (a reader needs a dozen keywords of a header that may hold hundreds), and the full
 * card list only when `cards` is read.
 */
export class Header implements FitsHeader {
  private cardList: FitsCard[] | undefined;
  private readonly texts: string[] | undefined;
  /** Keyword → index in `texts` of its first value card (lazy mode). */
  private readonly firstCard: Map<string, number> | undefined;
  /** Keyword → value: complete in eager mode, a cache in lazy mode. */
  private readonly values = new Map<string, FitsValue | undefined>();

  constructor(cards: FitsCard[]);
  constructor(cards: undefined, texts: string[]);
  constructor(cards: FitsCard[] | undefined, texts?: string[]) {
    if (cards) {
      this.cardList = cards;
      for (const card of cards) {
        if (card.value !== undefined && !this.values.has(card.key)) this.values.set(card.key, card.value);
      }
      return;
    }
    this.texts = texts as string[];
    this.firstCard = new Map();
    for (let i = 0; i < this.texts.length; i++) {
      const text = this.texts[i];
      if (text.charCodeAt(8) !== 61 || text.charCodeAt(9) !== 32) continue; // no "= ": commentary
      const key = text.slice(0, 8).trimEnd();
      if (!COMMENTARY_KEYS.has(key) && !this.firstCard.has(key)) this.firstCard.set(key, i);
    }
  }

  get cards(): readonly FitsCard[] {
    if (!this.cardList)
      this.cardList = (this.texts as string[]).map((t) => lenientCard(t, { isString: false }));
    return this.cardList;
  }

  /** The first card (SIMPLE or XTENSION in a valid header), parsed without parsing the rest. */
  leadingCard(): FitsCard | undefined {
    if (this.cardList) return this.cardList[0];
    const text = (this.texts as string[])[0];
    return text === undefined ? undefined : lenientCard(text, { isString: false });
  }

  get(key: string): FitsValue | undefined {
    const k = key.toUpperCase();
    if (!this.firstCard || this.values.has(k)) return this.values.get(k);
    const at = this.firstCard.get(k);
    const value =
      at === undefined ? undefined : lenientCard((this.texts as string[])[at], { isString: false }).value;
    this.values.set(k, value);
    return value;
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

/**
 * A card whose value cannot be read keeps its text as comment and has no value (astropy warns and
 * goes on likewise); mandatory keywords are checked by the layout, which then reports them.
 */
function lenientCard(text: string, kind: { isString: boolean }): FitsCard {
  try {
    return parseCardInto(text, kind);
  } catch {
    kind.isString = false;
    return { key: text.slice(0, 8).trimEnd(), comment: text.slice(8).trimEnd() };
  }
}

export interface ParsedHeader {
  header: Header;
  /** Byte offset of the first data block (just past the header's last block). */
  dataOffset: number;
}

/** Why a header could not be read; the reader turns it into a FitsError naming the file. */
export class HeaderProblem extends Error {}

const END_CARD = 'END     ';

/**
 * Reads the header that starts at `offset`. Throws HeaderProblem when the END card is missing
 * before the end of the bytes or when a block is cut short.
 */
export function parseHeader(bytes: Uint8Array, offset: number): ParsedHeader {
  const texts: string[] = [];
  let continued = false;
  let pos = offset;
  for (;;) {
    if (pos + BLOCK > bytes.length) {
      throw new HeaderProblem(
        pos >= bytes.length
          ? `header at byte ${offset} has no END card (file ends at byte ${bytes.length})`
          : `truncated header at byte ${offset}: last block is ${bytes.length - pos} of ${BLOCK} bytes`,
      );
    }
    const block = latin1(bytes, pos, pos + BLOCK);
    for (let c = 0; c < CARDS_PER_BLOCK; c++) {
      const text = block.slice(c * CARD_LENGTH, (c + 1) * CARD_LENGTH);
      if (text.startsWith(END_CARD) || text === END_BLANK) {
        return { header: makeHeader(texts, continued), dataOffset: pos + BLOCK };
      }
      if (text === BLANK_CARD) continue;
      texts.push(text);
      if (text.startsWith('CONTINUE')) continued = true;
    }
    pos += BLOCK;
  }
}

const BLANK_CARD = ' '.repeat(CARD_LENGTH);
const END_BLANK = 'END'.padEnd(CARD_LENGTH);

/** Long strings need every card parsed to be joined; other headers are parsed on demand. */
function makeHeader(texts: string[], continued: boolean): Header {
  if (!continued) return new Header(undefined, texts);
  const cards: FitsCard[] = [];
  const isString: boolean[] = [];
  const kind = { isString: false };
  for (const text of texts) {
    cards.push(lenientCard(text, kind));
    isString.push(kind.isString);
  }
  return new Header(joinContinued(cards, isString));
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
