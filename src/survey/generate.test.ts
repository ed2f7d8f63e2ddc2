import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFits } from '../fits/index.ts';
import { isSlowRotator } from '../maps/rules.ts';
import { CATALOGUE_COLUMNS, readCatalogue } from './catalogue.ts';
import { generateSurvey, planSurvey, type SurveySummary } from './generate.ts';
import { LABEL_RULE } from './measure.ts';

function runPlan(seed: number, n: number, unknown: number) {
  const it = planSurvey({ seed, n, unknown });
  const rows = [];
  for (;;) {
    const s = it.next();
    if (s.done) return { rows, summary: s.value as SurveySummary };
    rows.push(s.value);
  }
}

describe('planSurvey', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = runPlan(11, 30, 5);
    const b = runPlan(11, 30, 5);
    const c = runPlan(12, 30, 5);
    expect(a.rows.map((r) => r.row)).toEqual(b.rows.map((r) => r.row));
    expect(Array.from(a.rows[3].galaxy.velocity)).toEqual(Array.from(b.rows[3].galaxy.velocity));
    expect(a.rows.map((r) => r.row.lambdaRe)).not.toEqual(c.rows.map((r) => r.row.lambdaRe));
  });

  it('fills the quotas, labels by the rule, and separates the classes on the λRe–ε plane', () => {
    const { rows, summary } = runPlan(5, 300, 40);
    expect(summary.counts).toEqual({ fast: 264, slow: 36, unknown: 40 });
    const reasons = summary.unknownReasons;
    expect(reasons.borderline + reasons.coverage + reasons.unflagged).toBe(40);
    for (const { row } of rows) {
      if (row.label === 'unknown') continue;
      expect(isSlowRotator(row.lambdaRe, row.ellipticity, LABEL_RULE)).toBe(row.label === 'slow');
    }
    // every slow kind is represented among the slow rotators
    for (const kind of ['non-rotating', 'kdc', 'counter-rotating', 'prolate', 'weak-misaligned'] as const) {
      expect(
        summary.kinds[kind].fast + summary.kinds[kind].slow + summary.kinds[kind].unknown,
      ).toBeGreaterThan(0);
    }
    const [, , fastMedian] = summary.lambdaReQuantiles.fast;
    const slow95 = summary.lambdaReQuantiles.slow[4];
    const fast5 = summary.lambdaReQuantiles.fast[0];
    expect(slow95).toBeLessThan(fast5);
    expect(fastMedian).toBeGreaterThan(0.3);
    // the classes sit where ATLAS3D's do (Emsellem et al. 2011, Table B1): compare the medians
    const atlas = readFileSync(
      join(import.meta.dirname, '../../test/fixtures/catalogs/Emsellem2011_Atlas3D_Paper3_TableB1.txt'),
      'utf8',
    )
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/));
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const atlasFast = median(atlas.filter((f) => f[9] === 'F').map((f) => Number(f[7])));
    const atlasSlow = median(atlas.filter((f) => f[9] === 'S').map((f) => Number(f[7])));
    expect(Math.abs(fastMedian - atlasFast)).toBeLessThan(0.1);
    expect(Math.abs(summary.lambdaReQuantiles.slow[2] - atlasSlow)).toBeLessThan(0.05);
    expect(summary.validSpaxels.median).toBeGreaterThan(100);
    expect(summary.validSpaxels.max).toBeLessThanOrEqual(750);
    console.log(
      `synthetic survey seed 5: slow fraction ${summary.slowFraction.toFixed(3)}; λRe 5/25/50/75/95% fast ` +
        `${summary.lambdaReQuantiles.fast.map((x) => x.toFixed(3)).join(' ')}; slow ` +
        `${summary.lambdaReQuantiles.slow.map((x) => x.toFixed(3)).join(' ')}`,
    );
  });
});

describe('generateSurvey', () => {
  it('writes SAMI DR3-style FITS and a catalogue that read back', async () => {
    const out = await mkdtemp(join(tmpdir(), 'galspin-survey-'));
    try {
      const summary = await generateSurvey({ out, n: 8, seed: 3, unknown: 2 });
      expect(summary.counts.fast + summary.counts.slow + summary.counts.unknown).toBe(10);
      const text = await readFile(join(out, 'catalogue.csv'), 'utf8');
      expect(text.split('\n')[0]).toBe(CATALOGUE_COLUMNS.join(','));
      const rows = await readCatalogue(join(out, 'catalogue.csv'));
      expect(rows).toHaveLength(10);
      const row = rows[0];
      const vel = parseFits(new Uint8Array(await readFile(join(out, row.velocityFile))), row.velocityFile);
      expect(vel.hdus.map((h) => h.extname ?? 'PRIMARY')).toEqual([
        'PRIMARY',
        'VEL_ERR',
        'FLUX',
        'FLUX_ERR',
        'SNR',
      ]);
      expect(vel.hdus[0].bitpix).toBe(-64);
      expect(vel.hdus[0].naxis).toEqual([50, 50]);
      expect(vel.hdus[0].header.getString('CATID')).toBe(row.catid);
      expect(vel.hdus[0].header.getString('UNIT')).toBe('km/s');
      expect(vel.hdus[0].header.getNumber('N_MOM')).toBe(2);
      const v = vel.hdus[0].image();
      const snr = vel.hdu('SNR')?.image() ?? new Float64Array();
      let valid = 0;
      for (let i = 0; i < v.length; i++) {
        expect(Number.isNaN(v[i])).toBe(Number.isNaN(snr[i]));
        if (!Number.isNaN(snr[i])) {
          expect(snr[i]).toBeGreaterThanOrEqual(3);
          valid++;
        }
      }
      expect(valid).toBeGreaterThanOrEqual(60);
      const disp = parseFits(
        new Uint8Array(await readFile(join(out, row.dispersionFile))),
        row.dispersionFile,
      );
      expect(disp.hdus.map((h) => h.extname ?? 'PRIMARY')).toEqual([
        'PRIMARY',
        'SIG_ERR',
        'FLUX',
        'FLUX_ERR',
        'SNR',
      ]);
      expect(disp.hdus[0].header.getString('CATID')).toBe(row.catid);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
