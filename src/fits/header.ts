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

export class Header implements FitsHeader {
  readonly cards: readonly FitsCard[];
  private readonly index = new Map<string, FitsValue>();

  constructor(cards: FitsCard[]) {
    this.cards = cards;
    for (const card of cards) {
      if (card.value !== undefined && !this.index.has(card.key)) this.index.set(card.key, card.value);
    }
  }

  get(key: string): FitsValue | undefined {
    return this.index.get(key.toUpperCase());
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
    return this.index.has(key.toUpperCase());
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
 * before the end of the bytes, when a block is cut short, or on a card with an unreadable value.
 */
export function parseHeader(bytes: Uint8Array, offset: number): ParsedHeader {
  const raw: FitsCard[] = [];
  const isString: boolean[] = [];
  const kind = { isString: false };
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
      if (text.startsWith(END_CARD) || text === 'END'.padEnd(CARD_LENGTH)) {
        const cards = continued ? joinContinued(raw, isString) : raw;
        return { header: new Header(cards), dataOffset: pos + BLOCK };
      }
      if (text.trim() === '') continue;
      try {
        const card = parseCardInto(text, kind);
        raw.push(card);
        isString.push(kind.isString);
        if (card.key === 'CONTINUE') continued = true;
      } catch (err) {
        throw new HeaderProblem(
          `card ${raw.length + 1} of header at byte ${offset}: ${(err as Error).message}`,
        );
      }
    }
    pos += BLOCK;
  }
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
