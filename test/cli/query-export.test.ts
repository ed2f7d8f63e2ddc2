/** `galspin query` exports as a user runs them, on an embedded index seeded through the ResultIndex port. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { embeddedPorts } from '../../src/app/embedded-ports.ts';
import type { ResultRow } from '../../src/config/index.ts';
import { readTable } from '../../src/formats/table/io.ts';
import { astropyRead, hasAstropy } from '../support/astropy-oracle.ts';
import { runGalspin } from '../support/run-cli.ts';

const home = mkdtempSync(join(tmpdir(), 'galspin-query-export-'));
const N = 2500;

function row(i: number, runId: string, at: number): ResultRow {
  const id = String(200000 + i);
  return {
    galaxyId: id,
    modelVersion: 'v1',
    runId,
    sourceKey: `incoming/${runId}/${id}_stellar-velocity_default_two-moment.fits`,
    updatedAt: new Date(at).toISOString(),
    status: 'CLASSIFIED',
    probability: 0.9 + (0.09 * i) / N,
    class: 'fast',
    uncertainty: { mean: 0.95, std: 0.02, passes: 4 },
    moransI: 0.75,
    lambdaRe: 0.45,
    ellipticity: 0.3,
    inputKind: 'velocity+dispersion',
    attributionKeys: { array: `attributions/v1/${id}.npy`, png: `attributions/v1/${id}.png` },
    timings: {},
  };
}

beforeAll(async () => {
  const ports = embeddedPorts(home);
  try {
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < N; i++) await ports.index.putResult(row(i, 'run-new', t0 + 10_000 + i));
    for (let i = N; i < N + 30; i++) await ports.index.putResult(row(i, 'run-old', t0 + i - N));
  } finally {
    ports.close();
  }
}, 120_000);
afterEach(() => vi.restoreAllMocks());

describe('galspin query exports every matching row', () => {
  it('--class fast --out fast.fits: 2,530 rows, no 100-row cap, readable by galspin and astropy', async () => {
    const out = join(home, 'fast.fits');
    const r = await runGalspin(['query', '--class', 'fast', '--model', 'v1', '--home', home, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`wrote ${N + 30} rows to ${out}`);
    const t = await readTable(out);
    expect(t.rows).toHaveLength(N + 30);
    expect(t.columns.map((c) => c.name).slice(0, 6)).toEqual([
      'galaxy_id',
      'model_version',
      'status',
      'class',
      'p_fast',
      'p_fast_std',
    ]);
    if (hasAstropy()) {
      const a = astropyRead(out);
      expect(a.rows).toHaveLength(N + 30);
      expect(a.rows[0]).toMatchObject({
        galaxy_id: '200000',
        p_fast: 0.9,
        input_kind: 'velocity+dispersion',
      });
    }
  });

  it('--limit 5000 is accepted; --limit 2000 stops there and prints the cursor to go on', async () => {
    const all = await runGalspin([
      'query',
      '--class',
      'fast',
      '--model',
      'v1',
      '--home',
      home,
      '--limit',
      '5000',
      '--format',
      'csv',
    ]);
    expect(all.code).toBe(0);
    expect(all.out.trimEnd().split('\n')).toHaveLength(N + 30 + 1);
    const cut = await runGalspin([
      'query',
      '--class',
      'fast',
      '--model',
      'v1',
      '--home',
      home,
      '--limit',
      '2000',
      '--format',
      'jsonl',
    ]);
    expect(cut.out.trimEnd().split('\n')).toHaveLength(2000);
    const cursor = /--cursor (\S+)/.exec(cut.err)?.[1] as string;
    const rest = await runGalspin([
      'query',
      '--class',
      'fast',
      '--model',
      'v1',
      '--home',
      home,
      '--cursor',
      cursor,
      '--format',
      'jsonl',
    ]);
    expect(rest.out.trimEnd().split('\n')).toHaveLength(N + 30 - 2000);
  });

  it.skipIf(!hasAstropy())('with no filter: the latest run only, as ECSV that astropy reads', async () => {
    const out = join(home, 'latest.ecsv');
    const r = await runGalspin(['query', '--home', home, '--out', out]);
    expect(r.code).toBe(0);
    const a = astropyRead(out);
    expect(a.rows).toHaveLength(N);
    expect(new Set(a.rows.map((x) => x.run_id))).toEqual(new Set(['run-new']));
    expect(readFileSync(out, 'utf8')).toContain('run: run-new');
  });
});
