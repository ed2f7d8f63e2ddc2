import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderBlobStore } from '../adapters/local/folder-blob-store.ts';
import { SqliteResultIndex } from '../adapters/local/sqlite-result-index.ts';
import type { ResultRow } from '../config/index.ts';
import { latestRunId, openExport } from './export-rows.ts';

const home = mkdtempSync(join(tmpdir(), 'galspin-stream-'));
const index = new SqliteResultIndex(join(home, 'index.sqlite'));
const blobs = new FolderBlobStore(join(home, 'blobs'));
afterAll(() => index.close());

const N = 2600;
const t0 = Date.parse('2026-11-01T00:00:00Z');

function classified(i: number, runId: string, at: number): ResultRow {
  const id = String(100000 + i);
  return {
    galaxyId: id,
    modelVersion: 'v1',
    runId,
    sourceKey: `incoming/${runId}/${id}_stellar-velocity_default_two-moment.fits`,
    updatedAt: new Date(at).toISOString(),
    status: 'CLASSIFIED',
    probability: 0.9 + (0.1 * ((i * 7919) % N)) / N,
    class: 'fast',
    uncertainty: { mean: 0.95, std: 0.01, passes: 3 },
    moransI: 0.8,
    lambdaRe: 0.5,
    ellipticity: 0.2,
    attributionKeys: { array: `attributions/v1/${id}.npy`, png: `attributions/v1/${id}.png` },
    timings: {},
  };
}

async function drain(stream: Awaited<ReturnType<typeof openExport>>) {
  const rows: Record<string, unknown>[] = [];
  for await (const page of stream.pages) rows.push(...page);
  return rows;
}

describe('whole-table export through the ResultIndex port', () => {
  it('seeds 2,600 fast galaxies of the latest run, 40 of an older run and 7 rejected', async () => {
    // The older run's rows are written later in wall time but carry older timestamps.
    for (let i = 0; i < N; i++) await index.putResult(classified(i, 'run-b', t0 + 1000 + i));
    for (let i = N; i < N + 40; i++) await index.putResult(classified(i, 'run-a', t0 + i - N));
    for (let i = 0; i < 7; i++)
      await index.putResult({
        galaxyId: `bad${i}`,
        modelVersion: 'v1',
        runId: 'run-b',
        sourceKey: `incoming/run-b/bad${i}.fits`,
        updatedAt: new Date(t0 + 500).toISOString(),
        status: 'REJECTED',
        reason: 'not a FITS file',
      });
    expect(await latestRunId(index)).toBe('run-b');
  });

  it('streams every row of a class past the 1000-row page, in probability order, each once', async () => {
    const rows = await drain(
      await openExport({ index, blobs }, { kind: 'class', class: 'fast', modelVersion: 'v1' }),
    );
    expect(rows).toHaveLength(N + 40);
    expect(new Set(rows.map((r) => r.galaxy_id)).size).toBe(N + 40);
    const p = rows.map((r) => r.p_fast as number);
    expect(p.every((x, i) => i === 0 || p[i - 1] <= x)).toBe(true);
    expect(Object.keys(rows[0])).toContain('moran_i');
  });

  it('--limit cuts and its cursor resumes exactly where it stopped', async () => {
    const spec = { kind: 'class', class: 'fast', modelVersion: 'v1', descending: true } as const;
    const first = await openExport({ index, blobs }, spec, { limit: 1500 });
    const a = await drain(first);
    expect(a).toHaveLength(1500);
    const rest = await drain(await openExport({ index, blobs }, spec, { cursor: first.cursor() }));
    expect(rest).toHaveLength(N + 40 - 1500);
    expect(new Set([...a, ...rest].map((r) => r.galaxy_id)).size).toBe(N + 40);
  });

  it('no filter: every result of the latest run, whatever its status, and nothing of older runs', async () => {
    const stream = await openExport({ index, blobs }, { kind: 'latest-run' });
    const rows = await drain(stream);
    expect(rows).toHaveLength(N + 7);
    expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set(['run-b']));
    expect(rows.filter((r) => r.status === 'REJECTED').map((r) => r.reason)).toEqual(
      Array(7).fill('not a FITS file'),
    );
    expect(stream.meta).toEqual({ run: 'run-b' });
  });
});
