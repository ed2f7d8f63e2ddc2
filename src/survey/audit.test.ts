import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveSeed, mulberry32 } from '../maps/random.ts';
import { analyticFamily } from './analytic/index.ts';
import {
  AUDIT_FEATURES,
  auditFeaturesOfGalaxy,
  auditSurvey,
  auditSurveyDir,
  fitBoostedTrees,
  fitLogistic,
  rocAuc,
  stratifiedFolds,
} from './audit.ts';
import { generateSurvey, planSurvey } from './generate.ts';
import { applySurveyDefects, drawNuisance } from './nuisance.ts';

describe('audit building blocks', () => {
  it('rocAuc: perfect, reversed, ties', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });

  it('stratified folds keep the class balance', () => {
    const y = Array.from({ length: 100 }, (_, i) => (i < 30 ? 1 : 0));
    const f = stratifiedFolds(y, 5, 3);
    for (let k = 0; k < 5; k++) expect(y.filter((v, i) => v === 1 && f[i] === k)).toHaveLength(6);
  });

  it('both classifiers learn a separable problem, and an interaction for the trees', () => {
    const rng = mulberry32(1);
    const x = Array.from({ length: 300 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const y = x.map((r) => (r[0] + 0.5 * r[1] > 0 ? 1 : 0));
    const lr = fitLogistic(x, y);
    expect(rocAuc(x.map(lr), y)).toBeGreaterThan(0.98);
    const xor = x.map((r) => (r[0] > 0 !== r[1] > 0 ? 1 : 0));
    const gb = fitBoostedTrees(x, xor);
    expect(rocAuc(x.map(gb), xor)).toBeGreaterThan(0.95);
  });
});

/** Feature rows of `n` galaxies per class; `leak` shrinks the slow galaxies' Re (a nuisance shortcut). */
function mockSet(n: number, leak: boolean) {
  const x: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < 2 * n; k++) {
    const rng = mulberry32(deriveSeed(77, k));
    const population = k % 2 ? 'slow' : 'fast';
    const nu = drawNuisance(rng);
    if (leak && population === 'slow') nu.reArcsec = Math.max(1.5, nu.reArcsec * 0.55);
    const g = applySurveyDefects(analyticFamily.simulate(population, String(k), nu, rng), nu, rng);
    x.push(auditFeaturesOfGalaxy(g));
    y.push(population === 'slow' ? 1 : 0);
  }
  return { x, y };
}

describe('shortcut audit', () => {
  it('gives AUC near 0.5 on a nuisance-free survey', () => {
    const it = planSurvey({ seed: 9, n: 240, unknown: 0, slowFraction: 0.5 });
    const x: number[][] = [];
    const y: number[] = [];
    for (let s = it.next(); !s.done; s = it.next()) {
      x.push(auditFeaturesOfGalaxy(s.value.galaxy));
      y.push(s.value.row.label === 'slow' ? 1 : 0);
    }
    const r = auditSurvey(x, y);
    expect(r.features).toEqual([...AUDIT_FEATURES]);
    expect(r.logistic.auc).toBeLessThan(0.6);
    expect(r.boosted.auc).toBeLessThan(0.6);
    expect(r.logistic.auc).toBeGreaterThan(0.35);
  });

  it('gives AUC ≫ 0.5 on a leaky survey (slow galaxies drawn smaller)', () => {
    const { x, y } = mockSet(120, true);
    const r = auditSurvey(x, y);
    expect(r.logistic.auc).toBeGreaterThan(0.75);
    expect(r.boosted.auc).toBeGreaterThan(0.75);
    const size = r.perFeature.find((p) => p.feature === 'footprint_size');
    expect(size && size.slowMedian < size.fastMedian).toBe(true);
  });

  it('reads a written survey folder', async () => {
    const out = await mkdtemp(join(tmpdir(), 'galspin-audit-'));
    try {
      await generateSurvey({ out, n: 20, seed: 4, unknown: 2, slowFraction: 0.5 });
      const r = await auditSurveyDir(out);
      expect([r.fast, r.slow]).toEqual([10, 10]);
      expect(r.logistic.foldAucs).toHaveLength(5);
      expect(r.data).toBe(join(out, 'catalogue.csv'));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
