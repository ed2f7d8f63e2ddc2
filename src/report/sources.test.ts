import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../test/support/report-fixtures.ts';
import { openHomeIndex } from '../app/home-index.ts';
import { writeNpy } from '../formats/npy.ts';
import {
  loadAttribution,
  loadVelocityMap,
  parseCsv,
  parseResults,
  ReportInputError,
  readLabels,
  readResults,
} from './sources.ts';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, CRLF and blank lines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n1,2')).toEqual([
      { a: 'x, y', b: 'say "hi"' },
      { a: '1', b: '2' },
    ]);
  });
});

describe('parseResults', () => {
  it('reads the snake_case columns of galspin query and predict exports', () => {
    const csv =
      'galaxy_id,model_version,status,class,p_fast,p_fast_std,moran_i,lambda_re\n105420,v1,CLASSIFIED,fast,0.93,0.02,0.81,0.44\n';
    expect(parseResults(csv, 'results.csv')).toEqual([
      expect.objectContaining({
        galaxyId: '105420',
        modelVersion: 'v1',
        probability: 0.93,
        std: 0.02,
        moransI: 0.81,
        lambdaRe: 0.44,
      }),
    ]);
  });

  it('reads ResultRow JSON (nested uncertainty, moransI) and flattened CSV alike', () => {
    const json = parseResults(
      JSON.stringify([
        {
          galaxyId: 'g1',
          status: 'CLASSIFIED',
          probability: 0.7,
          class: 'uncertain',
          uncertainty: { mean: 0.7, std: 0.1, passes: 20 },
          moransI: 0.5,
        },
      ]),
      'r.json',
    );
    const csv = parseResults(
      'galaxyId,status,probability,class,uncertainty.std,moransI\ng1,CLASSIFIED,0.7,uncertain,0.1,0.5\n',
      'r.csv',
    );
    expect(json).toEqual(csv);
    expect(json[0]).toMatchObject({ galaxyId: 'g1', probability: 0.7, std: 0.1, moransI: 0.5 });
  });

  it('names the file on malformed input', () => {
    expect(() => parseResults('{"galaxyId":', 'bad.jsonl')).toThrow(/bad\.jsonl: cannot parse results/);
  });

  it('reads the fixture export and keeps rejected rows with their reason', async () => {
    const rows = await readResults(FIXTURE_DIR);
    expect(rows.length).toBe(288);
    expect(rows.find((r) => r.status === 'REJECTED')?.reason).toMatch(/no finite spaxels/);
  });
});

describe('readLabels', () => {
  it('reads catid,label from a simulate catalogue and refuses a CSV without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-labels-'));
    writeFileSync(join(dir, 'c.csv'), 'catid,label,kind\n1,fast,disc\n2,slow,kdc\n3,unknown,disc\n');
    writeFileSync(join(dir, 'bad.csv'), 'x,y\n1,2\n');
    expect([...(await readLabels(join(dir, 'c.csv')))]).toEqual([
      ['1', 'fast'],
      ['2', 'slow'],
      ['3', 'unknown'],
    ]);
    await expect(readLabels(join(dir, 'bad.csv'))).rejects.toThrow(ReportInputError);
  });
});

describe('map loaders', () => {
  it('reads .npy maps and attributions and reports absent ones as undefined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-maps-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'maps'));
    mkdirSync(join(dir, 'attributions', 'v1'), { recursive: true });
    writeFileSync(join(dir, 'maps', 'g.npy'), writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]));
    writeFileSync(join(dir, 'attributions', 'v1', 'g.npy'), writeNpy(new Float32Array(6), [2, 3]));
    const m = await loadVelocityMap(dir, 'g');
    expect(m).toMatchObject({ width: 3, height: 2 });
    expect(Array.from(m?.values ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await loadAttribution(dir, 'v1', 'g'))?.width).toBe(3);
    expect(await loadVelocityMap(dir, 'nope')).toBeUndefined();
  });

  it('sums a two-channel attribution (H, W, C) per spaxel, as the worker PNG shows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-att2-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'attributions', 'v2'), { recursive: true });
    // 1 × 2 spaxels, channels (velocity, dispersion): (1, 0.5) and (−2, 0.25)
    const hwc = new Float32Array([1, 0.5, -2, 0.25]);
    writeFileSync(join(dir, 'attributions', 'v2', 'g.npy'), writeNpy(hwc, [1, 2, 2]));
    const a = await loadAttribution(dir, 'v2', 'g');
    expect(a).toMatchObject({ width: 2, height: 1 });
    expect(Array.from(a?.values ?? [])).toEqual([1.5, -1.75]);
  });
});

describe('readResults on a GALSPIN_HOME folder', () => {
  it('reads every status from the embedded SQLite index', async () => {
    const { SqliteResultIndex } = await import('../adapters/local/sqlite-result-index.ts');
    const dir = mkdtempSync(join(tmpdir(), 'galspin-home-'));
    const idx = new SqliteResultIndex(join(dir, 'index.sqlite'));
    const base = {
      modelVersion: 'v1',
      runId: 'run-1',
      sourceKey: 'incoming/a.fits',
      updatedAt: '2026-11-25T19:00:00.000Z',
      timings: {},
    };
    for (let i = 0; i < 3; i++) {
      await idx.putResult({
        ...base,
        galaxyId: `g${i}`,
        status: 'CLASSIFIED',
        probability: 0.3 * i,
        class: 'uncertain',
        uncertainty: { mean: 0.3 * i, std: 0.1, passes: 5 },
        moransI: 0.5,
        attributionKeys: { array: `attributions/v1/g${i}.npy`, png: `attributions/v1/g${i}.png` },
      });
    }
    await idx.putResult({ ...base, galaxyId: 'bad', status: 'REJECTED', reason: 'empty map' });
    idx.close();
    const rows = await readResults(dir, openHomeIndex);
    expect(rows.map((r) => [r.galaxyId, r.status])).toEqual([
      ['g0', 'CLASSIFIED'],
      ['g1', 'CLASSIFIED'],
      ['g2', 'CLASSIFIED'],
      ['bad', 'REJECTED'],
    ]);
    expect(rows[1]).toMatchObject({ probability: 0.3, std: 0.1, moransI: 0.5 });
    expect(rows[3].reason).toBe('empty map');
  });
});

describe('loadVelocityMap on a pipeline bucket', () => {
  it('decodes maps/<id>.bin (GSPM codec) with masked spaxels as NaN', async () => {
    const { encodeStoredMap } = await import('../formats/map-codec.ts');
    const { mkdirSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'galspin-bucket-'));
    mkdirSync(join(dir, 'bucket', 'maps'), { recursive: true });
    const input = new Float32Array([10, 0, -10, 5]);
    const valid = new Uint8Array([1, 0, 1, 1]);
    const bytes = encodeStoredMap({
      meta: {
        galaxyId: 'g',
        size: 2,
        provenance: {
          sourceKey: 'incoming/g.fits',
          survey: 'synthetic',
          preprocessedAt: '2026-11-25T19:00:00.000Z',
        },
        science: { moransI: 0.5, nValid: 3 },
        sourceGrid: { width: 2, height: 2, pixelScaleArcsec: 0.5 },
      },
      input,
      valid,
    });
    writeFileSync(join(dir, 'bucket', 'maps', 'g.bin'), bytes);
    const { bucketRoot } = await import('./sources.ts');
    const m = await loadVelocityMap(bucketRoot(dir), 'g');
    expect(m?.width).toBe(2);
    expect(Array.from(m?.values ?? [])).toEqual([10, Number.NaN, -10, 5]);
  });
});
