import { describe, expect, it } from 'vitest';
import { BLOCK, HeaderProblem, parseHeader } from './header.ts';

function headerBytes(cards: string[], blocks?: number): Uint8Array {
  const text = cards.map((c) => c.padEnd(80)).join('');
  const size = blocks ? blocks * BLOCK : Math.ceil(text.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size).fill(0x20);
  for (let i = 0; i < text.length && i < size; i++) out[i] = text.charCodeAt(i);
  return out;
}

describe('parseHeader', () => {
  it('keeps the first of duplicate keywords and finds the data offset', () => {
    const bytes = headerBytes([
      'SIMPLE  =                    T',
      'DUP     =                    1',
      'DUP     =                    2',
      'END',
    ]);
    const { header, dataOffset } = parseHeader(bytes, 0);
    expect(header.get('DUP')).toBe(1);
    expect(header.cards.filter((c) => c.key === 'DUP')).toHaveLength(2);
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

  it('keeps going past an unreadable value (the card keeps its text) and lists every card', () => {
    const bytes = headerBytes([
      'SIMPLE  =                    T',
      'ODD     = not-a-value / hmm',
      'GOOD    =                  1.5',
      'COMMENT   free text',
      'END',
    ]);
    const { header } = parseHeader(bytes, 0);
    expect(header.get('GOOD')).toBe(1.5);
    expect(header.has('ODD')).toBe(false);
    expect(header.cards.map((c) => c.key)).toEqual(['SIMPLE', 'ODD', 'GOOD', 'COMMENT']);
    expect(header.cards[1].comment).toBe('= not-a-value / hmm');
  });
});
