import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCsv, toTextTable } from './csv-write.ts';
import { toEcsv } from './ecsv-write.ts';
import { toFitsBintable } from './fits-write.ts';
import type { Table } from './table.ts';

const table: Table = {
  columns: [
    { name: 'galaxyId', type: 'string', description: 'SAMI CATID' },
    { name: 'probability', type: 'float64', description: 'P(fast)' },
    { name: 'lambdaRe', type: 'float64' },
    { name: 'nValid', type: 'int32' },
    { name: 'flagged', type: 'bool' },
    { name: 'reason', type: 'string' },
  ],
  rows: [
    {
      galaxyId: '105420',
      probability: 0.987654321,
      lambdaRe: 0.61,
      nValid: 1200,
      flagged: false,
      reason: '',
    },
    {
      galaxyId: 'x,"y"',
      probability: 0.01,
      lambdaRe: null,
      nValid: null,
      flagged: true,
      reason: 'bad, file',
    },
    { galaxyId: 'z', probability: Number.NaN, lambdaRe: 0.1, nValid: -3, flagged: undefined, reason: null },
  ],
  meta: { modelVersion: 'v1-abc' },
};

function hasAstropy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import astropy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Minimal independent decoding of the HDU structure, enough to check the layout. */
function cards(bytes: Uint8Array, start: number): { cards: Map<string, string>; end: number } {
  const map = new Map<string, string>();
  let off = start;
  for (;;) {
    const line = String.fromCharCode(...bytes.subarray(off, off + 80));
    off += 80;
    const key = line.slice(0, 8).trim();
    if (key === 'END') break;
    if (line.slice(8, 10) === '= ') map.set(key, line.slice(10).split(' / ')[0].trim());
  }
  return { cards: map, end: Math.ceil(off / 2880) * 2880 };
}

describe('catalogue export', () => {
  it('CSV quotes commas and quotes and leaves missing cells empty', () => {
    const csv = toCsv(table).split('\r\n');
    expect(csv[0]).toBe('galaxyId,probability,lambdaRe,nValid,flagged,reason');
    expect(csv[2]).toBe('"x,""y""",0.01,,,True,"bad, file"');
    expect(csv[3]).toBe('z,,0.1,-3,,');
  });

  it('text table aligns columns', () => {
    const lines = toTextTable(table).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2].indexOf('0.9877')).toBeGreaterThan(0);
  });

  it('FITS BINTABLE has 2880-byte blocks, the declared row size and big-endian fields', () => {
    const bytes = toFitsBintable(table);
    expect(bytes.length % 2880).toBe(0);
    const primary = cards(bytes, 0);
    expect(primary.cards.get('SIMPLE')).toBe('T');
    const ext = cards(bytes, primary.end);
    expect(ext.cards.get('XTENSION')).toBe("'BINTABLE'");
    const naxis1 = Number(ext.cards.get('NAXIS1'));
    // 6 chars id + 8 + 8 + 4 + 1 + 9 chars reason
    expect(naxis1).toBe(6 + 8 + 8 + 4 + 1 + 9);
    expect(Number(ext.cards.get('NAXIS2'))).toBe(3);
    const view = new DataView(bytes.buffer, bytes.byteOffset + ext.end);
    expect(view.getFloat64(6, false)).toBeCloseTo(0.987654321, 12);
    expect(view.getInt32(6 + 16, false)).toBe(1200);
    expect(Number.isNaN(view.getFloat64(naxis1 + 6 + 8, false))).toBe(true);
  });

  it.skipIf(!hasAstropy())('astropy reads the FITS BINTABLE and the ECSV back with the same values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-export-'));
    writeFileSync(join(dir, 't.fits'), toFitsBintable(table));
    writeFileSync(join(dir, 't.ecsv'), toEcsv(table));
    const script = `
import json, sys, math
from astropy.table import Table
out = {}
for name in ('t.fits', 't.ecsv'):
    t = Table.read(sys.argv[1] + '/' + name)
    rows = []
    for r in t:
        row = {}
        for c in t.colnames:
            v = r[c]
            masked = hasattr(v, 'mask') and bool(v.mask) if not isinstance(v, str) else False
            if masked or v is None:
                row[c] = None
            elif isinstance(v, (bytes, str)):
                row[c] = (v.decode() if isinstance(v, bytes) else v).strip()
            else:
                f = v.item()
                row[c] = None if isinstance(f, float) and math.isnan(f) else f
        rows.append(row)
    out[name] = {'rows': rows, 'units': {c: str(t[c].unit) if t[c].unit else None for c in t.colnames}}
print(json.dumps(out))
`;
    const out = JSON.parse(execFileSync('python3', ['-c', script, dir], { encoding: 'utf8' }));
    for (const name of ['t.fits', 't.ecsv']) {
      const rows = out[name].rows;
      expect(rows.map((r: { galaxyId: string }) => r.galaxyId)).toEqual(['105420', 'x,"y"', 'z']);
      expect(rows[0].probability).toBeCloseTo(0.987654321, 12);
      expect(rows[2].probability).toBeNull();
      expect(rows[1].lambdaRe).toBeNull();
      expect(rows[0].nValid).toBe(1200);
      expect(rows[1].nValid).toBeNull();
      expect(rows[2].nValid).toBe(-3);
      expect(rows[1].flagged).toBe(true);
      expect(rows[1].reason).toBe('bad, file');
    }
  });
});
