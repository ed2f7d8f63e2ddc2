import { describe, expect, it } from 'vitest';
import { CsvError, formatCsv, parseCsvRecords, parseCsvTable } from './csv.ts';

describe('CSV through csv-parse / csv-stringify', () => {
  it('a free-text cell with a comma, a quote, a newline and edge spaces comes back exactly', () => {
    const rows = [
      ['id_str', 'comment', 'label'],
      ['100153', 'bar, "strong" lens\nsecond line', 'fast'],
      ['100154', '  edge  ', 'slow'],
      ['100155', '', 'unknown'],
    ];
    const text = formatCsv(rows);
    const back = parseCsvRecords(text, 'c.csv');
    expect(back.map((r) => r.fields)).toEqual(rows);
    // The multi-line record starts on line 2; the next one on line 4.
    expect(back.map((r) => r.line)).toEqual([1, 2, 4, 5]);
  });

  it('reads a header table, trims unquoted cells, skips blank lines and a BOM, pads short rows', () => {
    const t = parseCsvTable('\uFEFFa, b ,c\r\n\r\n1, "x, y" ,\n2\n', 'c.csv');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows.map((r) => r.cells)).toEqual([
      { a: '1', b: 'x, y', c: '' },
      { a: '2', b: '', c: '' },
    ]);
    expect(t.rows.map((r) => r.line)).toEqual([3, 4]);
  });

  it('names the file and the problem: unterminated quote, long row, duplicate column', () => {
    expect(() => parseCsvRecords('a,b\n"x,1\n', 'c.csv')).toThrow(CsvError);
    expect(() => parseCsvRecords('a,b\n"x,1\n', 'c.csv')).toThrow(/^c\.csv: Quote Not Closed/);
    expect(() => parseCsvTable('a,b\n1,2,3\n', 'c.csv')).toThrow('c.csv:2: 3 fields, header has 2');
    expect(() => parseCsvTable('a,a\n1,2\n', 'c.csv')).toThrow("c.csv:1: column 'a' appears twice");
    expect(() => parseCsvTable('', 'c.csv')).toThrow('c.csv: empty CSV');
  });

  it('writes missing cells empty, booleans as True/False and int64 exactly', () => {
    expect(formatCsv([[null, undefined, Number.NaN, true, false, 9007199254740993n, 0.5]])).toBe(
      ',,,True,False,9007199254740993,0.5\n',
    );
    expect(formatCsv([['a'], ['b']], '\r\n')).toBe('a\r\nb\r\n');
  });
});
