/**
 * Slow/fast rotator criteria on the spin–ellipticity (λRe, εe) plane.
 * A galaxy is a slow rotator when it falls inside the rule's slow region.
 */
export type RotatorRule = 'emsellem2011' | 'cappellari2016' | 'vandesande2021';

export const ROTATOR_RULES: readonly RotatorRule[] = ['emsellem2011', 'cappellari2016', 'vandesande2021'];

/**
 * - `emsellem2011`: λRe < 0.31 √εe (Emsellem et al. 2011, MNRAS 414, 888, eq. 3).
 * - `cappellari2016`: λRe < 0.08 + εe/4 and εe < 0.4 (Cappellari 2016, ARA&A 54, 597, eq. 19).
 * - `vandesande2021`: λRe < 0.12 + εe/4 and εe < 0.35 + λRe/1.538 — the SAMI box of van de Sande et al.
 *   2021 (MNRAS 505, 3078, Sect. 2.5), whose right edge is a slanted line; for λRe ≤ 0.12 it lies at
 *   εe < 0.35 + 0.12/1.538 or tighter. The slanted edge is our reading of that paper: check it before
 *   relying on galaxies with εe > 0.35.
 */
export function isSlowRotator(lambdaRe: number, ellipticity: number, rule: RotatorRule): boolean {
  switch (rule) {
    case 'emsellem2011':
      return lambdaRe < 0.31 * Math.sqrt(Math.max(ellipticity, 0));
    case 'cappellari2016':
      return lambdaRe < 0.08 + ellipticity / 4 && ellipticity < 0.4;
    case 'vandesande2021':
      return lambdaRe < 0.12 + ellipticity / 4 && ellipticity < 0.35 + lambdaRe / 1.538;
  }
}

export function classifyRotator(lambdaRe: number, ellipticity: number, rule: RotatorRule): 'fast' | 'slow' {
  return isSlowRotator(lambdaRe, ellipticity, rule) ? 'slow' : 'fast';
}

/**
 * True when moving the point by ±dLambda in λRe or ±dEps in εe can change the class: a galaxy this close
 * to the boundary gets no flag (the synthetic survey's "unknown" borderline set).
 */
export function isBorderline(
  lambdaRe: number,
  ellipticity: number,
  rule: RotatorRule,
  dLambda = 0.02,
  dEps = 0.02,
): boolean {
  const base = isSlowRotator(lambdaRe, ellipticity, rule);
  for (const dl of [-dLambda, 0, dLambda]) {
    for (const de of [-dEps, 0, dEps]) {
      if (isSlowRotator(lambdaRe + dl, Math.max(0, ellipticity + de), rule) !== base) return true;
    }
  }
  return false;
}
