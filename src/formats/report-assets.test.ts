import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ASSETS_JSON,
  type ReportAssets,
  ReportAssetsError,
  readReportAssets,
  writeReportAssets,
} from './report-assets.ts';

const plane = (f: (i: number) => number) => Float32Array.from({ length: 16 }, (_, i) => f(i));

function assets(): ReportAssets {
  return {
    modelVersion: 'v1',
    source: 'test',
    size: 4,
    pixelScaleArcsec: 0.5,
    galaxies: [
      { galaxyId: 'a', set: 'test', label: 'fast', p: 0.9, moranI: 0.8, map: 0 },
      { galaxyId: 'b', set: 'unknown', label: 'unknown', p: 0.4, map: 1 },
      { galaxyId: 'c', set: 'unknown', label: 'unknown', p: 0.1 },
    ],
    velocity: [plane((i) => (i === 3 ? Number.NaN : 10 * i - 77.3)), plane((i) => -i * 3.3)],
    dispersion: [plane((i) => 50 + i), plane((i) => 80 + i)],
    attribution: [plane((i) => (i - 8) * 1e-3), plane((i) => i * 2e-3)],
  };
}

describe('report assets', () => {
  it('round-trip: quantised to half a step, NaN kept, galaxies without maps kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-assets-'));
    const a = assets();
    await writeReportAssets(dir, a);
    const b = (await readReportAssets(dir)) as ReportAssets;
    expect(b.galaxies).toEqual(a.galaxies);
    expect(b.velocity).toHaveLength(2);
    expect(Number.isNaN(b.velocity[0][3])).toBe(true);
    for (const k of [0, 1])
      for (let i = 0; i < 16; i++) {
        if (k === 0 && i === 3) continue;
        expect(Math.abs(b.velocity[k][i] - a.velocity[k][i])).toBeLessThanOrEqual(0.25 + 1e-6);
        expect(Math.abs(b.dispersion[k][i] - a.dispersion[k][i])).toBeLessThanOrEqual(0.25 + 1e-6);
        // IG step: max|IG| / 30000
        expect(Math.abs(b.attribution[k][i] - a.attribution[k][i])).toBeLessThanOrEqual(0.03 / 30000);
      }
  });

  it('has none in a folder without them, and names a file that points past its maps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-assets-'));
    expect(await readReportAssets(dir)).toBeUndefined();
    await writeReportAssets(dir, assets());
    const meta = { ...assets(), velocity: undefined, dispersion: undefined, attribution: undefined };
    meta.galaxies[0].map = 7;
    writeFileSync(join(dir, ASSETS_JSON), JSON.stringify(meta));
    await expect(readReportAssets(dir)).rejects.toThrow(ReportAssetsError);
    await expect(readReportAssets(dir)).rejects.toThrow(/a refers to map 7 of 2/);
  });
});
