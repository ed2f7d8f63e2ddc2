/**
 * astropy as the oracle of the catalogue tests: reads a table file with `Table.read` and returns
 * its columns (name, dtype kind, unit, description) and rows as JSON, masked cells as null.
 * `hasAstropy()` is false where python3 or astropy is missing, so the tests skip cleanly there.
 */
import { execFileSync } from 'node:child_process';

export function hasAstropy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import astropy.table'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface AstropyTable {
  columns: { name: string; kind: string; unit: string | null; description: string | null }[];
  rows: Record<string, unknown>[];
}

const SCRIPT = `
import json, math, sys
import numpy as np
from astropy.table import Table
t = Table.read(sys.argv[1], format=sys.argv[2] if len(sys.argv) > 2 else None)
def cell(v):
    if v is np.ma.masked or (hasattr(v, 'mask') and np.all(v.mask)):
        return None
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
        return str(v)  # exact: a JSON number past 2^53 loses digits in JavaScript
    return v
cols = [{'name': c, 'kind': t[c].dtype.kind, 'unit': str(t[c].unit) if t[c].unit else None,
         'description': t[c].description} for c in t.colnames]
rows = [{c: cell(r[c]) for c in t.colnames} for r in t]
print(json.dumps({'columns': cols, 'rows': rows}))
`;

/** `Table.read(path)` (format guessed from the extension, or `format`, e.g. 'ascii.csv'). */
export function astropyRead(path: string, format?: string): AstropyTable {
  const args = ['-c', SCRIPT, path, ...(format ? [format] : [])];
  return JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}
