import { describe, expect, it } from 'vitest';
import { parseCard } from './cards.ts';

const card = (key: string, rest: string) => parseCard(`${key.padEnd(8)}${rest}`.padEnd(80));

describe('parseCard', () => {
  it('reads strings with doubled quotes and drops trailing spaces only', () => {
    expect(card('OBJECT', "= 'O''Brien   '  / name")).toMatchObject({ value: "O'Brien", comment: 'name' });
    expect(card('PAD', "= '  lead'")).toMatchObject({ value: '  lead' });
    expect(card('EMPTY', "= ''")).toMatchObject({ value: '' });
    expect(card('SLASH', "= 'a/b' / c")).toMatchObject({ value: 'a/b', comment: 'c' });
  });

  it('reads logicals, integers, bigints and reals with E or D exponents', () => {
    expect(card('SIMPLE', '=                    T').value).toBe(true);
    expect(card('FLAG', '=                    F / no').value).toBe(false);
    expect(card('NAXIS1', '=                  440').value).toBe(440);
    expect(card('NEG', '=                  -99').value).toBe(-99);
    expect(card('BIG', '= 9223372036854775807').value).toBe(9223372036854775807n);
    expect(card('BZERO', '=  9.223372036854776E18').value).toBe(9.223372036854776e18);
    expect(card('KY_PKND', '= 1.51515151515152D+01').value).toBeCloseTo(15.1515151515152, 13);
    expect(card('TFLOAT', '=                  42.').value).toBe(42);
    expect(card('DOT', '=                  .5').value).toBe(0.5);
  });

  it('keeps complex values as their literal and undefined values as null', () => {
    expect(card('KEY_PKYC', '= (1.313131E+01, 1.414141E+01) / c').value).toBe('(1.313131E+01, 1.414141E+01)');
    expect(card('TMPCARD7', '=                      / comment for null keyword')).toMatchObject({
      value: null,
      comment: 'comment for null keyword',
    });
  });

  it('treats COMMENT, HISTORY, blank keys and cards without "= " as commentary', () => {
    expect(card('COMMENT', "  FITS (Flexible Image Transport System) = 'x'")).toEqual({
      key: 'COMMENT',
      comment: "  FITS (Flexible Image Transport System) = 'x'",
    });
    expect(card('HISTORY', 'done')).toEqual({ key: 'HISTORY', comment: 'done' });
    expect(card('NOVALUE', 'just text')).toEqual({ key: 'NOVALUE', comment: 'just text' });
  });

  it('rejects unreadable values and unterminated strings', () => {
    expect(() => card('BITPIX', '=                 abc')).toThrow(/BITPIX: unreadable value "abc"/);
    expect(() => card('OBJECT', "= 'no end")).toThrow(/closing quote/);
  });
});
