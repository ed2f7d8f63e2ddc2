import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFits } from '../fits/index.ts';
import { isSlowRotator } from '../maps/rules.ts';
import { CATALOGUE_COLUMNS, readCatalogue } from './catalogue.ts';
import {
  generateSurvey,
  type PlannedGalaxy,
  planSurvey,
  type SurveyOptions,
  type SurveySummary,
} from './generate.ts';
import { LABEL_RULE } from './measure.ts';

function runPlan(opts: SurveyOptions) {
  const it = planSurvey(opts);
  const rows: PlannedGalaxy[] = [];
  for (;;) {
    const s = it.next();
    if (s.done) return { rows, summary: s.value as SurveySummary };
    rows.push(s.value);
  }
}

/** Two-sample Kolmogorov–Smirnov statistic. */
function ks(a: number[], b: number[]): number {
  const all = [...a, ...b].sort((x, y) => x - y);
  const cdf = (s: number[], x: number) => s.filter((v) => v <= x).length / s.length;
  return Math.max(...all.map((x) => Math.abs(cdf(a, x) - cdf(b, x))));
}

describe('planSurvey', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = runPlan({ seed: 11, n: 30, unknown: 5 });
    const b = runPlan({ seed: 11, n: 30, unknown: 5 });
    const c = runPlan({ seed: 12, n: 30, unknown: 5 });
    expect(a.rows.map((r) => r.row)).toEqual(b.rows.map((r) => r.row));
    expect(Array.from(a.rows[3].galaxy.velocity)).toEqual(Array.from(b.rows[3].galaxy.velocity));
    expect(a.rows.map((r) => r.row.lambdaRe)).not.toEqual(c.rows.map((r) => r.row.lambdaRe));
  });

  it('labels by cappellari2016, fills the quotas, and the labels share one nuisance distribution', () => {
    const { rows, summary } = runPlan({ seed: 5, n: 300, unknown: 30, slowFraction: 0.5 });
    expect(LABEL_RULE).toBe('cappellari2016');
    expect(summary.rule).toBe('cappellari2016');
    expect(summary.family).toBe('analytic');
    expect(summary.counts).toEqual({ fast: 150, slow: 150, unknown: 30 });
    const reasons = summary.unknownReasons;
    expect(reasons.borderline + reasons.coverage + reasons.unflagged).toBe(30);
    for (const { row } of rows) {
      expect(row.family).toBe('analytic');
      if (row.label === 'unknown') continue;
      expect(row.ellipticity).toBeLessThan(0.4);
      const slow = row.lambdaRe < 0.08 + row.ellipticity / 4 && row.ellipticity < 0.4;
      expect(isSlowRotator(row.lambdaRe, row.ellipticity, 'cappellari2016')).toBe(slow);
      expect(row.label).toBe(slow ? 'slow' : 'fast');
    }
    for (const kind of ['non-rotating', 'kdc', 'counter-rotating', 'prolate', 'weak-misaligned']) {
      expect(summary.kinds[kind].slow).toBeGreaterThan(0);
    }
    expect(summary.lambdaReQuantiles.slow[4]).toBeLessThan(summary.lambdaReQuantiles.fast[0]);
    expect(summary.lambdaReQuantiles.fast[2]).toBeGreaterThan(0.3);
    // nuisance does not tell the labels apart: two-sample KS on ε, Re, S/N, PSF, valid spaxels
    const labeled = rows.filter((r) => r.row.label !== 'unknown');
    const by = (label: string, f: (r: PlannedGalaxy) => number) =>
      labeled.filter((r) => r.row.label === label).map(f);
    const features: Record<string, (r: PlannedGalaxy) => number> = {
      ellipticity: (r) => r.galaxy.truth.ellipticity,
      re: (r) => r.galaxy.truth.reArcsec,
      sn: (r) => r.nuisance.snAtRe,
      psf: (r) => r.nuisance.psfFwhmArcsec,
      sigma: (r) => r.nuisance.sigmaScaleKms,
      nValid: (r) => r.measurement.nValid,
    };
    for (const [name, f] of Object.entries(features)) {
      // 150 vs 150, six features at once: the 0.1 % critical value of D is 1.95 √(2/150) ≈ 0.225
      // (seeds 3–6 give 0.10–0.15 on S/N; a class-dependent draw, like the old Sérsic split, gives ≈ 1)
      expect(ks(by('fast', f), by('slow', f)), name).toBeLessThan(0.225);
    }
  });

  it('under the flat stress preset every labeled galaxy is fast (ε ≥ 0.4)', () => {
    const { rows, summary } = runPlan({ seed: 2, n: 12, unknown: 0, slowFraction: 0.5, stress: 'flat' });
    expect(summary.counts).toEqual({ fast: 12, slow: 0, unknown: 0 });
    expect(summary.stress).toBe('flat');
    for (const { row } of rows) expect(row.ellipticity).toBeGreaterThanOrEqual(0.4);
  });

  it('refuses a family that does not exist and an unknown stress preset', () => {
    expect(() => runPlan({ seed: 1, n: 2, family: 'nope' as never })).toThrow(/generator family/);
    expect(() => runPlan({ seed: 1, n: 2, stress: 'nope' as never })).toThrow(/stress/);
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
      const json = JSON.parse(await readFile(join(out, 'survey.json'), 'utf8'));
      expect(json.rule).toBe('cappellari2016');
      expect(json.family).toBe('analytic');
      const rows = await readCatalogue(join(out, 'catalogue.csv'));
      expect(rows).toHaveLength(10);
      const row = rows[0];
      expect(row.family).toBe('analytic');
      expect(row.nuisance?.psfFwhm).toBeGreaterThan(1);
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
      expect(valid).toBe(row.nuisance?.nValid);
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
