/**
 * Deterministic mutations of the real FITS fixtures, for the fuzz corpus (bench/faults/fits-fuzz.ts)
 * and its astropy oracle (bench/oracles/fits_fuzz_astropy.py).
 *
 * `mutateCase(fixtures, seed, id)` always returns the same bytes for the same (seed, id): the
 * corpus is never stored, only astropy's verdicts on it. Kinds (FITS Standard 4.0 sections in
 * brackets): byte flips in headers and data; control and non-ASCII bytes in cards [4.1.1];
 * duplicated, deleted, swapped cards [4.4.1]; values retyped or edited [4.2]; END removed or
 * corrupted [4.4.1]; truncation [3.1]; XTENSION and SIMPLE corrupted; BLANK/BSCALE/BZERO edits
 * [4.4.2.5, 5.3]; CHECKSUM/DATASUM tampering (FITS checksum convention); Rice/GZIP tile corruption
 * in tile-compressed images [10]; trailing bytes after the last HDU [3.5]; gzip streams.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseFits } from '../../src/fits/index.ts';

const BLOCK = 2880;
const CARD = 80;

/** One fixture, inflated, with the byte ranges of its HDUs. */
export interface Fixture {
  name: string;
  bytes: Uint8Array;
  hdus: FixtureHdu[];
}

export interface FixtureHdu {
  headerOffset: number;
  dataOffset: number;
  dataBytes: number;
  type: string;
  bitpix: number;
  /** Rows, row width and the COMPRESSED_DATA column of a tile-compressed image. */
  tiles?: { rows: number; rowBytes: number; colOffset: number; heapOffset: number };
}

export interface Mutation {
  id: number;
  fixture: string;
  /** Mutation kinds applied, with their parameters, e.g. "dup-card HDU 1 NAXIS1=20". */
  recipe: string[];
  /** True when the output is a gzip stream. */
  gzip: boolean;
  bytes: Uint8Array;
}

const ROOT = join(import.meta.dirname, '../..');

/** The fixtures mutated: real files of test/fixtures/fits and the compressed ones of src/fits/testdata. */
export function loadFixtures(): Fixture[] {
  const dirs = [join(ROOT, 'test/fixtures/fits'), join(ROOT, 'src/fits/testdata')];
  const out: Fixture[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.json') || name.endsWith('.py')) continue;
      let bytes = new Uint8Array(readFileSync(join(dir, name)));
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = new Uint8Array(gunzipSync(bytes));
      const fits = parseFits(bytes, name);
      const hdus = fits.hdus.map((h): FixtureHdu => {
        const hdu: FixtureHdu = {
          headerOffset: h.headerOffset,
          dataOffset: h.dataOffset,
          dataBytes: h.dataBytes,
          type: h.type,
          bitpix: h.type === 'image' ? h.bitpix : 8,
        };
        if (h.type === 'compressed-image') {
          const t = h.table();
          const col = t.columns.find((c) => c.name?.toUpperCase() === 'COMPRESSED_DATA');
          const theap = h.header.getNumber('THEAP') ?? t.rowBytes * t.rows;
          if (col?.code === 'P')
            hdu.tiles = { rows: t.rows, rowBytes: t.rowBytes, colOffset: col.offset, heapOffset: theap };
        }
        return hdu;
      });
      out.push({ name: name.replace(/\.gz$/, ''), bytes, hdus });
    }
  }
  return out;
}

/** Small, fast, seedable PRNG (mulberry32), seeded from a string through SHA-256. */
export class Rng {
  private s: number;
  constructor(key: string) {
    this.s = createHash('sha256').update(key).digest().readUInt32LE(0);
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A file being mutated: its bytes and the card lists of its headers. */
class Doc {
  constructor(
    public bytes: Uint8Array,
    public hdus: FixtureHdu[],
  ) {}

  /** The cards of HDU `h` before END (80-byte arrays), and END's index. */
  cards(h: number): Uint8Array[] {
    const { headerOffset, dataOffset } = this.hdus[h];
    const cards: Uint8Array[] = [];
    for (let at = headerOffset; at < dataOffset; at += CARD) {
      const card = this.bytes.slice(at, at + CARD);
      if (text(card.subarray(0, 8)) === 'END     ') break;
      cards.push(card);
    }
    // Blank cards between the last keyword and END are kept; trailing ones are the padding.
    return cards;
  }

  /** Replaces HDU h's header with `cards` (+ END unless `end` is false), shifting what follows. */
  setCards(h: number, cards: Uint8Array[], end = true): void {
    const { headerOffset, dataOffset } = this.hdus[h];
    const n = cards.length + (end ? 1 : 0);
    const size = Math.ceil(Math.max(n, 1) / 36) * BLOCK;
    const header = new Uint8Array(size).fill(0x20);
    cards.forEach((c, i) => {
      header.set(c.subarray(0, CARD), i * CARD);
    });
    if (end) header.set(ascii('END'), cards.length * CARD);
    this.splice(headerOffset, dataOffset, header);
    const shift = size - (dataOffset - headerOffset);
    this.hdus[h] = { ...this.hdus[h], dataOffset: dataOffset + shift };
    for (let k = h + 1; k < this.hdus.length; k++) {
      this.hdus[k] = {
        ...this.hdus[k],
        headerOffset: this.hdus[k].headerOffset + shift,
        dataOffset: this.hdus[k].dataOffset + shift,
      };
    }
  }

  splice(from: number, to: number, insert: Uint8Array): void {
    const out = new Uint8Array(this.bytes.length - (to - from) + insert.length);
    out.set(this.bytes.subarray(0, from), 0);
    out.set(insert, from);
    out.set(this.bytes.subarray(to), from + insert.length);
    this.bytes = out;
  }
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

function keyOf(card: Uint8Array): string {
  return text(card.subarray(0, 8)).trimEnd();
}

/** A fixed-format card: value right-justified to column 30, strings quoted from column 11. */
export function makeCard(key: string, value: string, comment?: string): Uint8Array {
  const v = value.startsWith("'") ? value : value.padStart(20);
  let s = `${key.padEnd(8)}= ${v}`;
  if (comment) s += ` / ${comment}`;
  return ascii(s.slice(0, CARD).padEnd(CARD));
}

const MANDATORY = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|GROUPS|EXTEND|END)$/;
const SCALING = /^(BSCALE|BZERO|BLANK)$/;
const COMPRESSION =
  /^(ZIMAGE|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZCMPTYPE|ZQUANTIZ|ZDITHER0|ZSCALE|ZZERO|ZBLANK|ZNAME\d+|ZVAL\d+)$/;
const TABLE = /^(TFORM\d+|TTYPE\d+|THEAP|TSCAL\d+|TZERO\d+|TNULL\d+|TBCOL\d+)$/;
const OTHER_IMPORTANT = /^(EXTNAME|CHECKSUM|DATASUM)$/;

/** Index of a card, biased to the keywords a reader depends on. */
function pickCard(rng: Rng, cards: Uint8Array[]): number {
  if (cards.length === 0) return -1;
  const weighted = cards.map((c, i) => {
    const k = keyOf(c);
    const w = MANDATORY.test(k)
      ? 6
      : SCALING.test(k) || COMPRESSION.test(k)
        ? 5
        : TABLE.test(k) || OTHER_IMPORTANT.test(k)
          ? 3
          : 1;
    return [i, w] as const;
  });
  return rng.weighted(weighted);
}

/** A value of the same kind as `old` but different, or one of another type. */
function otherValue(rng: Rng, old: string, retype: boolean): string {
  const raw = old.trim();
  const isString = raw.startsWith("'");
  const isLogical = raw === 'T' || raw === 'F';
  const isInt = /^[+-]?\d+$/.test(raw);
  const num = Number(raw.replace(/[Dd]/, 'E'));
  if (retype) {
    const n = Number.isFinite(num) ? num : rng.int(0, 100);
    return rng.pick([
      `'${raw.replace(/'/g, '')}'`,
      `'${n}'`,
      String(n + 0.5),
      `${n}.0`,
      'T',
      'F',
      `${n}.0.1`,
      'abc',
      '',
      '(1.0, 2.0)',
      `'${n}`,
      `${n}E`,
      `${n}D0`,
      '1E400',
      String(-n),
    ]);
  }
  if (isLogical) return raw === 'T' ? 'F' : 'T';
  if (isString) {
    const inner = raw.slice(1, raw.lastIndexOf("'") > 0 ? raw.lastIndexOf("'") : undefined);
    return rng.pick([
      `'${inner.slice(0, Math.max(0, inner.length - 1))}X'`,
      "''",
      `'${inner.toLowerCase()}'`,
      `'${inner}${inner}'`,
      `'${rng.pick(['IMAGE', 'BINTABLE', 'TABLE', 'RICE_1', 'GZIP_1', 'NOCOMPRESS', 'SUBTRACTIVE_DITHER_1', 'FOO'])}'`,
    ]);
  }
  if (isInt) {
    const n = Number(raw);
    return String(
      rng.pick([
        n + 1,
        n - 1,
        n * 2,
        Math.floor(n / 2),
        0,
        -1,
        rng.int(0, 64),
        99999999999,
        n + rng.int(-5, 5),
        -n,
        3,
        8,
        16,
        -32,
        -64,
      ]),
    );
  }
  if (Number.isFinite(num)) return String(rng.pick([num * 2, -num, 0, num + 1, 1e30, num * 0.5, 1]));
  return rng.pick(['1', '0', "'x'"]);
}

/** The value field of a card (columns 11..), without the comment. */
function valueText(card: Uint8Array): string {
  const s = text(card.subarray(10));
  if (s.trimStart().startsWith("'")) {
    const q = s.indexOf("'");
    let i = q + 1;
    for (;;) {
      const j = s.indexOf("'", i);
      if (j < 0) return s.trimEnd();
      if (s[j + 1] === "'") {
        i = j + 2;
        continue;
      }
      return s.slice(q, j + 1);
    }
  }
  const slash = s.indexOf('/');
  return (slash < 0 ? s : s.slice(0, slash)).trim();
}

type Op = (rng: Rng, doc: Doc, fx: Fixture) => string;

function pickHdu(rng: Rng, doc: Doc): number {
  // The primary header is where mandatory keywords start; extensions hold the maps.
  return rng.chance(0.35) ? 0 : rng.int(0, doc.hdus.length - 1);
}

const OPS: Record<string, Op> = {
  'header-byte'(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const c = pickCard(rng, cards);
    if (c < 0) return 'none';
    const col = rng.chance(0.4) ? rng.int(0, 7) : rng.int(8, 79);
    const value = rng.chance(0.7) ? rng.int(32, 126) : rng.int(0, 255);
    cards[c][col] = value;
    doc.setCards(h, cards);
    return `HDU ${h} card ${c} col ${col + 1} = ${value}`;
  },
  'control-byte'(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const c = rng.int(0, cards.length - 1);
    const col = rng.int(0, 79);
    const value = rng.chance(0.5) ? rng.int(0, 31) : rng.int(127, 255);
    cards[c][col] = value;
    doc.setCards(h, cards);
    return `HDU ${h} card ${c} col ${col + 1} = ${value}`;
  },
  'data-byte'(rng, doc) {
    const withData = doc.hdus.map((h, i) => [i, h.dataBytes] as const).filter(([, n]) => n > 0);
    if (withData.length === 0) return 'none';
    const [h] = rng.pick(withData);
    const { dataOffset, dataBytes } = doc.hdus[h];
    const n = rng.int(1, 4);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = dataOffset + rng.int(0, dataBytes - 1);
      doc.bytes[p] ^= 1 << rng.int(0, 7);
      at.push(p);
    }
    return `HDU ${h} bytes ${at.join(',')}`;
  },
  'dup-card'(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const c = pickCard(rng, cards);
    if (c < 0) return 'none';
    const key = keyOf(cards[c]);
    const same = rng.chance(0.3);
    const copy = same ? cards[c].slice() : makeCard(key, otherValue(rng, valueText(cards[c]), false));
    const at = rng.int(0, cards.length);
    cards.splice(at, 0, copy);
    doc.setCards(h, cards);
    return `HDU ${h} ${key} ${same ? 'same' : text(copy).slice(10, 30).trim()} at ${at}`;
  },
  'delete-card'(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const c = pickCard(rng, cards);
    if (c < 0) return 'none';
    const [gone] = cards.splice(c, 1);
    doc.setCards(h, cards);
    return `HDU ${h} ${keyOf(gone)}`;
  },
  'swap-cards'(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    if (cards.length < 2) return 'none';
    const a = rng.chance(0.7) ? rng.int(0, Math.min(8, cards.length - 1)) : pickCard(rng, cards);
    const b = rng.chance(0.5) ? Math.min(cards.length - 1, a + 1) : rng.int(0, cards.length - 1);
    [cards[a], cards[b]] = [cards[b], cards[a]];
    doc.setCards(h, cards);
    return `HDU ${h} ${a}<->${b}`;
  },
  'retype-value'(rng, doc) {
    return editValue(rng, doc, true);
  },
  'edit-value'(rng, doc) {
    return editValue(rng, doc, false);
  },
  'end-card'(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const how = rng.pick(['remove', 'letters', 'trailing', 'padding', 'early', 'blank-before']);
    if (how === 'remove') doc.setCards(h, cards, false);
    else if (how === 'early') {
      const keep = rng.int(1, cards.length);
      doc.setCards(h, cards.slice(0, keep));
      return `HDU ${h} early at ${keep}`;
    } else if (how === 'blank-before') {
      cards.push(ascii(' '.repeat(CARD)));
      doc.setCards(h, cards);
    } else {
      doc.setCards(h, cards);
      const endAt = doc.hdus[h].headerOffset + cards.length * CARD;
      if (how === 'letters') doc.bytes[endAt + rng.int(0, 2)] = rng.pick([0x44, 0x46, 0x20, 0x65, 0x00]);
      else if (how === 'trailing') doc.bytes[endAt + rng.int(3, 79)] = rng.int(33, 126);
      else {
        const padStart = endAt + CARD;
        const padEnd = doc.hdus[h].dataOffset;
        if (padEnd > padStart) doc.bytes[rng.int(padStart, padEnd - 1)] = rng.pick([0, 65, 0xff]);
      }
    }
    return `HDU ${h} ${how}`;
  },
  truncate(rng, doc) {
    const len = doc.bytes.length;
    const at = rng.pick([
      rng.int(1, len - 1),
      Math.floor(rng.int(1, Math.max(1, Math.floor(len / BLOCK) - 1)) * BLOCK),
      len - rng.int(1, 100),
      doc.hdus[rng.int(0, doc.hdus.length - 1)].dataOffset + rng.int(0, 10),
    ]);
    doc.bytes = doc.bytes.slice(0, Math.max(1, Math.min(at, len - 1)));
    return `at ${doc.bytes.length}`;
  },
  xtension(rng, doc) {
    if (doc.hdus.length < 2) return OPS.simple(rng, doc, undefined as unknown as Fixture);
    const h = rng.int(1, doc.hdus.length - 1);
    const cards = doc.cards(h);
    const how = rng.pick(['value', 'key', 'byte', 'quote']);
    if (how === 'value') {
      cards[0] = makeCard(
        'XTENSION',
        `'${rng.pick(['IMAGF', 'IMAGE', 'BINTABLE', 'TABLE', 'FOO', 'image', 'A3DTABLE', 'IUEIMAGE', ''])}'`,
      );
    } else if (how === 'key') {
      cards[0][rng.int(0, 7)] = rng.int(65, 90);
    } else if (how === 'quote') {
      cards[0] = makeCard('XTENSION', rng.pick(['IMAGE', "'IMAGE", '5']));
    } else {
      cards[0][rng.int(0, 79)] = rng.int(0, 255);
    }
    doc.setCards(h, cards);
    return `HDU ${h} ${how} ${text(cards[0]).slice(0, 30).trim()}`;
  },
  blank(rng, doc, fx) {
    const images = doc.hdus.map((hd, i) => [i, hd] as const).filter(([, hd]) => hd.type === 'image');
    if (images.length === 0) return OPS.scale(rng, doc, fx);
    const [h, hd] = rng.pick(images);
    const cards = doc.cards(h);
    let value: string;
    if (hd.bitpix > 0 && hd.dataBytes > 0 && rng.chance(0.5)) {
      // A value the data really holds, so BLANK → NaN changes the digest.
      const width = hd.bitpix / 8;
      const p = hd.dataOffset + rng.int(0, hd.dataBytes / width - 1) * width;
      const view = new DataView(doc.bytes.buffer, doc.bytes.byteOffset + p, width);
      value =
        width === 1
          ? String(view.getUint8(0))
          : width === 2
            ? String(view.getInt16(0))
            : width === 4
              ? String(view.getInt32(0))
              : String(view.getBigInt64(0));
    } else {
      value = rng.pick(['1.5', "'0'", '-32768', '99999999999999999999', '0', '-1', '2147483647', 'T', '1E3']);
    }
    const existing = cards.findIndex((c) => keyOf(c) === 'BLANK');
    const card = makeCard('BLANK', value);
    if (existing >= 0) cards[existing] = card;
    else cards.splice(rng.int(mandatoryEnd(cards), cards.length), 0, card);
    doc.setCards(h, cards);
    return `HDU ${h} BLANK = ${value}`;
  },
  scale(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const key = rng.pick(['BSCALE', 'BZERO']);
    const value = rng.pick([
      "'0.0457'",
      '0.0457',
      '-2',
      '0',
      '1E30',
      '32768',
      "'1'",
      '1.0.0',
      '1D2',
      'T',
      '',
    ]);
    const existing = cards.findIndex((c) => keyOf(c) === key);
    const card = makeCard(key, value);
    if (existing >= 0) cards[existing] = card;
    else cards.splice(rng.int(mandatoryEnd(cards), cards.length), 0, card);
    doc.setCards(h, cards);
    return `HDU ${h} ${key} = ${value}`;
  },
  checksum(rng, doc) {
    const h = pickHdu(rng, doc);
    const cards = doc.cards(h);
    const at = cards.findIndex((c) => keyOf(c) === 'CHECKSUM' || keyOf(c) === 'DATASUM');
    const how = at >= 0 ? rng.pick(['value', 'comment', 'data']) : rng.pick(['add', 'comment']);
    if (how === 'value') {
      const v = valueText(cards[at]);
      const chars = [...v];
      const i = rng.int(1, Math.max(1, chars.length - 2));
      chars[i] = String.fromCharCode(rng.int(48, 57));
      cards[at] = makeCard(keyOf(cards[at]), chars.join(''));
    } else if (how === 'comment') {
      // A printable change in a comment: only a checksum can notice it.
      const c = rng.int(0, cards.length - 1);
      const col = rng.int(40, 79);
      cards[c][col] = cards[c][col] === 0x41 ? 0x42 : 0x41;
    } else if (how === 'add') {
      cards.splice(
        rng.int(mandatoryEnd(cards), cards.length),
        0,
        makeCard('DATASUM', `'${rng.int(0, 4e9)}'`),
      );
    }
    doc.setCards(h, cards);
    if (how === 'data' && doc.hdus[h].dataBytes > 0) {
      doc.bytes[doc.hdus[h].dataOffset + rng.int(0, doc.hdus[h].dataBytes - 1)] ^= 0x10;
    }
    return `HDU ${h} ${how}`;
  },
  tile(rng, doc, fx) {
    const tiled = doc.hdus.map((hd, i) => [i, hd] as const).filter(([, hd]) => hd.tiles);
    if (tiled.length === 0) return OPS['data-byte'](rng, doc, fx);
    const [h, hd] = rng.pick(tiled);
    const t = hd.tiles as NonNullable<FixtureHdu['tiles']>;
    const row = rng.int(0, t.rows - 1);
    const desc = hd.dataOffset + row * t.rowBytes + t.colOffset;
    const view = new DataView(doc.bytes.buffer, doc.bytes.byteOffset);
    const count = view.getInt32(desc);
    const start = view.getInt32(desc + 4);
    const how = rng.pick(['flip', 'flip', 'shorter', 'longer', 'offset', 'zero']);
    if (how === 'flip' && count > 0) {
      const p = hd.dataOffset + t.heapOffset + start + rng.int(0, count - 1);
      doc.bytes[p] ^= 1 << rng.int(0, 7);
    } else if (how === 'shorter') view.setInt32(desc, Math.max(0, count - rng.int(1, 8)));
    else if (how === 'longer') view.setInt32(desc, count + rng.int(1, 8));
    else if (how === 'offset') view.setInt32(desc + 4, start + rng.int(-8, 8));
    else view.setInt32(desc, 0);
    return `HDU ${h} row ${row} ${how}`;
  },
  trailing(rng, doc) {
    const how = rng.pick(['random', 'zeros', 'xtension', 'copy', 'block-spaces']);
    let extra: Uint8Array;
    if (how === 'random') {
      extra = new Uint8Array(rng.int(1, 4000));
      for (let i = 0; i < extra.length; i++) extra[i] = rng.int(0, 255);
    } else if (how === 'zeros') extra = new Uint8Array(BLOCK * rng.int(1, 2));
    else if (how === 'block-spaces') extra = new Uint8Array(BLOCK).fill(0x20);
    else if (how === 'xtension') {
      extra = new Uint8Array(BLOCK).fill(0x20);
      extra.set(makeCard('XTENSION', "'IMAGE'"), 0);
      extra.set(makeCard('BITPIX', '16'), 80);
      if (rng.chance(0.5)) extra.set(ascii('END'), 160);
      else extra.set(makeCard('NAXIS', '0'), 160);
    } else {
      const from = rng.int(0, Math.max(0, doc.bytes.length - BLOCK));
      extra = doc.bytes.slice(from, from + BLOCK);
    }
    doc.splice(doc.bytes.length, doc.bytes.length, extra);
    return `${how} ${extra.length}`;
  },
  simple(rng, doc) {
    const cards = doc.cards(0);
    const how = rng.pick(['F', "'T'", '1', 'key', 'delete', 'moved']);
    if (how === 'key') cards[0][rng.int(0, 7)] = rng.int(65, 90);
    else if (how === 'delete') cards.splice(0, 1);
    else if (how === 'moved') {
      const [s] = cards.splice(0, 1);
      cards.splice(rng.int(1, cards.length), 0, s);
    } else cards[0] = makeCard('SIMPLE', how);
    doc.setCards(0, cards);
    return how;
  },
};

/** Index after SIMPLE/XTENSION, BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT, TFIELDS (where keywords may go). */
function mandatoryEnd(cards: Uint8Array[]): number {
  let i = 0;
  while (i < cards.length && MANDATORY.test(keyOf(cards[i]))) i++;
  return i;
}

function editValue(rng: Rng, doc: Doc, retype: boolean): string {
  const h = pickHdu(rng, doc);
  const cards = doc.cards(h);
  const candidates = cards.map((c, i) => [c, i] as const).filter(([c]) => c[8] === 0x3d);
  if (candidates.length === 0) return 'none';
  const c = pickCard(
    rng,
    candidates.map(([card]) => card),
  );
  const [card, i] = candidates[c];
  const value = otherValue(rng, valueText(card), retype);
  cards[i] = makeCard(keyOf(card), value);
  doc.setCards(h, cards);
  return `HDU ${h} ${keyOf(card)} = ${value}`;
}

const KINDS: readonly (readonly [string, number])[] = [
  ['header-byte', 10],
  ['control-byte', 5],
  ['data-byte', 7],
  ['dup-card', 12],
  ['delete-card', 7],
  ['swap-cards', 6],
  ['retype-value', 10],
  ['edit-value', 12],
  ['end-card', 6],
  ['truncate', 5],
  ['xtension', 5],
  ['blank', 5],
  ['scale', 5],
  ['checksum', 4],
  ['tile', 6],
  ['trailing', 3],
  ['simple', 3],
];

/** Fixture weights: the large MaNGA cube is read rarely, the compressed ones often (tile faults). */
function fixtureWeight(fx: Fixture): number {
  if (fx.bytes.length > 4_000_000) return 0.25;
  return fx.hdus.some((h) => h.tiles) ? 1.5 : 1;
}

/** Mutation `id` of the corpus `seed`: one fixture, one or two mutations, sometimes gzipped. */
export function mutateCase(fixtures: Fixture[], seed: string, id: number): Mutation {
  const rng = new Rng(`${seed}/${id}`);
  const fx = rng.weighted(fixtures.map((f) => [f, fixtureWeight(f)] as const));
  const doc = new Doc(
    fx.bytes.slice(),
    fx.hdus.map((h) => ({ ...h })),
  );
  const recipe: string[] = [];
  const rounds = rng.chance(0.2) ? 2 : 1;
  for (let r = 0; r < rounds; r++) {
    const kind = rng.weighted(KINDS);
    recipe.push(`${kind}: ${OPS[kind](rng, doc, fx)}`);
    if (kind === 'truncate') break; // byte ranges of HDUs are no longer valid
  }
  let bytes = doc.bytes;
  let gzip = false;
  if (rng.chance(0.05) && bytes.length < 4_000_000) {
    gzip = true;
    bytes = new Uint8Array(gzipSync(bytes, { level: 1 }));
    const how = rng.pick(['plain', 'plain', 'truncated', 'flipped', 'trailing']);
    if (how === 'truncated') bytes = bytes.slice(0, rng.int(10, bytes.length - 1));
    else if (how === 'flipped') bytes[rng.int(10, bytes.length - 9)] ^= 1 << rng.int(0, 7);
    else if (how === 'trailing') bytes = Uint8Array.from([...bytes, 1, 2, 3, 4]);
    recipe.push(`gzip: ${how}`);
  }
  return { id, fixture: fx.name, recipe, gzip, bytes };
}

/** First 16 hex digits of the SHA-1 of the bytes: ties an oracle verdict to the exact file. */
export function shortSha(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 16);
}
