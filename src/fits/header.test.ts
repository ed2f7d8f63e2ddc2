import { describe, expect, it } from 'vitest';
import { BLOCK, HeaderProblem, parseHeader } from './header.ts';

function headerBytes(cards: string[], blocks?: number): Uint8Array {
  const text = cards.map((c) => c.padEnd(80)).join('');
  const size = blocks ? blocks * BLOCK : Math.ceil(text.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size).fill(0x20);
  for (let i = 0; i < text.length && i < size; i++) out[i] = text.charCodeAt(i);
  return out;
}

function lenientParse(bytes: Uint8Array): {
  header: ReturnType<typeof parseHeader>['header'];
  warnings: string[];
} {
  const warnings: string[] = [];
  const { header } = parseHeader(bytes, 0, { lenient: true, warn: (m) => warnings.push(m) });
  return { header, warnings };
}

describe('parseHeader', () => {
  it('refuses a keyword repeated with another value; lenient keeps the last, as astropy', () => {
    const bytes = headerBytes([
      'SIMPLE  =                    T',
      'DUP     =                    1',
      'DUP     =                    2',
      'END',
    ]);
    expect(() => parseHeader(bytes, 0)).toThrow(/^duplicate keyword DUP \(1, then 2\)$/);
    const { header, warnings } = lenientParse(bytes);
    expect(header.get('DUP')).toBe(2);
    expect(header.cards.filter((c) => c.key === 'DUP')).toHaveLength(2);
    expect(warnings).toEqual(['duplicate keyword DUP (1, then 2); the last value is used, as astropy does']);
  });

  it('tolerates an exact repeat (SAMI DR2 writes EXTEND twice) and finds the data offset', () => {
    const bytes = headerBytes([
      'SIMPLE  =                    T',
      'EXTEND  =                    T',
      'EXTEND  =                    T',
      'END',
    ]);
    const { header, dataOffset } = parseHeader(bytes, 0);
    expect(header.get('EXTEND')).toBe(true);
    expect(dataOffset).toBe(BLOCK);
  });

  it('joins CONTINUE long strings and keeps stray CONTINUE cards as commentary', () => {
    const bytes = headerBytes([
      "LONG    = 'abc&'",
      "CONTINUE  'def&'",
      "CONTINUE  'ghi' / tail",
      "CONTINUE  'orphan'",
      'END',
    ]);
    const { header } = parseHeader(bytes, 0);
    expect(header.getString('LONG')).toBe('abcdefghi');
    expect(header.cards.find((c) => c.key === 'LONG')?.comment).toBe('tail');
    expect(header.cards.at(-1)).toEqual({ key: 'CONTINUE', comment: 'orphan' });
  });

  it('spans several blocks', () => {
    const cards = ['SIMPLE  =                    T'];
    for (let i = 0; i < 40; i++) cards.push(`K${i}`.padEnd(8) + `= ${String(i).padStart(20)}`);
    cards.push('END');
    const { header, dataOffset } = parseHeader(headerBytes(cards), 0);
    expect(header.get('K39')).toBe(39);
    expect(dataOffset).toBe(2 * BLOCK);
  });

  it('reports a missing END and a cut-short block', () => {
    expect(() => parseHeader(headerBytes(['SIMPLE  =                    T']), 0)).toThrow(HeaderProblem);
    expect(() => parseHeader(headerBytes(['SIMPLE  =                    T']), 0)).toThrow(/no END card/);
    const cut = headerBytes(['SIMPLE  =                    T', 'END']).subarray(0, 1000);
    expect(() => parseHeader(cut, 0)).toThrow(/truncated header/);
  });

  it('refuses an unreadable value; lenient reads past it (the card keeps its text) and lists every card', () => {
    const bytes = headerBytes([
      'SIMPLE  =                    T',
      'ODD     = not-a-value / hmm',
      'GOOD    =                  1.5',
      'COMMENT   free text',
      'END',
    ]);
    expect(() => parseHeader(bytes, 0)).toThrow(/^keyword ODD: unreadable value "not-a-value"$/);
    const { header, warnings } = lenientParse(bytes);
    expect(warnings).toEqual(['keyword ODD: unreadable value "not-a-value"; card read as commentary']);
    expect(header.get('GOOD')).toBe(1.5);
    expect(header.has('ODD')).toBe(false);
    expect(header.cards.map((c) => c.key)).toEqual(['SIMPLE', 'ODD', 'GOOD', 'COMMENT']);
    expect(header.cards[1].comment).toBe('= not-a-value / hmm');
  });

  it('never guesses a keyword the reader relies on, even when lenient', () => {
    const bytes = headerBytes(['SIMPLE  =                    T', 'BSCALE  = 0.0457.1', 'END']);
    expect(() => lenientParse(bytes)).toThrow(/keyword BSCALE: unreadable value "0.0457.1"/);
    const noIndicator = headerBytes(['SIMPLE  =                    T', 'BZERO      32768', 'END']);
    expect(() => lenientParse(noIndicator)).toThrow(/keyword BZERO has no value/);
  });

  it('refuses control and non-ASCII bytes, illegal keyword names, text after END, non-blank padding', () => {
    const control = headerBytes(['SIMPLE  =                    T', "OBJECT  = 'ab\x01c'", 'END']);
    expect(() => parseHeader(control, 0)).toThrow(
      /^card 2 \(OBJECT\) holds byte 0x01 at column 14: only printable ASCII is allowed in a header$/,
    );
    const latin = headerBytes(['SIMPLE  =                    T', "OBJECT  = 'caf\xe9'", 'END']);
    expect(() => parseHeader(latin, 0)).toThrow(/holds byte 0xe9/);
    expect(lenientParse(latin).warnings).toHaveLength(1);
    expect(() =>
      parseHeader(headerBytes(['SIMPLE  =                    T', "OB#ECT  = 'a'", 'END']), 0),
    ).toThrow(/illegal keyword name 'OB#ECT'/);
    expect(() => parseHeader(headerBytes(['SIMPLE  =                    T', 'END     x']), 0)).toThrow(
      /END card has text after END/,
    );
    const padded = headerBytes(['SIMPLE  =                    T', 'END']);
    padded[500] = 0x41;
    expect(() => parseHeader(padded, 0)).toThrow(/header block is not blank after END/);
    expect(lenientParse(padded).warnings).toHaveLength(1);
  });
});
