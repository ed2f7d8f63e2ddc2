import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveSeed, mulberry32 } from '../maps/random.ts';
import { type CatalogueRow, formatCatalogue } from './catalogue.ts';
import { drawGalaxyParams, GALAXY_KINDS, type GalaxyKind } from './kinds.ts';
import { LABEL_RULE, measureGalaxy } from './measure.ts';
import { encodeDispersionFile, encodeVelocityFile, samiFileNames } from './samiFits.ts';
import { type SimulatedGalaxy, simulateGalaxy } from './simulate.ts';

/** The paper's labeled sample (Chegeni et al. 2025): 1,112 galaxies, 980 fast, 132 slow, 854 unknown. */
export const PAPER_SAMPLE = { labeled: 1112, fast: 980, slow: 132, unknown: 854 } as const;

export interface SurveyOptions {
  /** Labeled galaxies (fast + slow). Default 1112. */
  n?: number;
  seed: number;
  /** Slow share of the labeled galaxies. Default 132/1112. */
  slowFraction?: number;
  /** Unlabeled galaxies. Default n × 854/1112. */
  unknown?: number;
}

export interface PlannedGalaxy {
  galaxy: SimulatedGalaxy;
  row: Omit<CatalogueRow, 'velocityFile' | 'dispersionFile'>;
}

export interface SurveySummary {
  seed: number;
  rule: typeof LABEL_RULE;
  counts: { fast: number; slow: number; unknown: number };
  /** Candidates simulated to fill the quotas (rejects included). */
  candidates: number;
  slowFraction: number;
  /** Labels per true kind. */
  kinds: Record<GalaxyKind, { fast: number; slow: number; unknown: number }>;
  /** λRe quantiles (5, 25, 50, 75, 95 %) per label. */
  lambdaReQuantiles: Record<'fast' | 'slow' | 'unknown', number[]>;
  validSpaxels: { min: number; median: number; max: number };
  /** Why the unknown galaxies have no flag: near the rule's boundary, Re ellipse poorly covered, or
   *  drawn as ordinary survey members without a flag. */
  unknownReasons: { borderline: number; coverage: number; unflagged: number };
}

function quantiles(values: number[], qs: number[]): number[] {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return qs.map(() => Number.NaN);
  return qs.map((q) => {
    const x = q * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (x - lo);
  });
}

/** Six-digit SAMI-like CATIDs, unique within a survey (7919 is prime and coprime with 900000). */
function catidFor(index: number, seed: number): string {
  return String(100000 + ((index * 7919 + (seed >>> 0) * 104729) % 900000));
}

/**
 * Simulates galaxies until the quotas are filled, in memory, deterministically per seed.
 * Each candidate draws its target population in proportion to the remaining quotas. Fast/slow targets are
 * kept when the traditional rule, measured on the noisy maps, gives them a label with room left;
 * borderline and poorly covered galaxies (no flag) fill the unknown set, together with candidates drawn
 * as plain survey members without flags (as in SAMI, most unflagged galaxies are ordinary rotators).
 */
export function* planSurvey(opts: SurveyOptions): Generator<PlannedGalaxy, SurveySummary> {
  const n = opts.n ?? PAPER_SAMPLE.labeled;
  const slowFraction = opts.slowFraction ?? PAPER_SAMPLE.slow / PAPER_SAMPLE.labeled;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(slowFraction >= 0 && slowFraction <= 1))
    throw new RangeError(`slowFraction must be in [0, 1], got ${slowFraction}`);
  const unknown = opts.unknown ?? Math.round((n * PAPER_SAMPLE.unknown) / PAPER_SAMPLE.labeled);
  if (!Number.isInteger(unknown) || unknown < 0)
    throw new RangeError(`unknown must be a non-negative integer, got ${unknown}`);
  const need = { slow: Math.round(n * slowFraction), fast: 0, unknown };
  need.fast = n - need.slow;
  const counts = { fast: 0, slow: 0, unknown: 0 };
  const kinds = Object.fromEntries(
    GALAXY_KINDS.map((k) => [k, { fast: 0, slow: 0, unknown: 0 }]),
  ) as SurveySummary['kinds'];
  const lambdas: Record<'fast' | 'slow' | 'unknown', number[]> = { fast: [], slow: [], unknown: [] };
  const valids: number[] = [];
  const unknownReasons = { borderline: 0, coverage: 0, unflagged: 0 };
  const total = n + unknown;
  const maxCandidates = 30 * total + 1000;
  let accepted = 0;
  let k = 0;
  for (; accepted < total; k++) {
    if (k >= maxCandidates) throw new Error(`survey quotas not filled after ${k} candidates`);
    const rng = mulberry32(deriveSeed(opts.seed, k));
    const left = {
      fast: need.fast - counts.fast,
      slow: need.slow - counts.slow,
      unknown: need.unknown - counts.unknown,
    };
    const u = rng.next() * (left.fast + left.slow + left.unknown);
    const target = u < left.fast ? 'fast' : u < left.fast + left.slow ? 'slow' : 'unknown';
    const population = target === 'unknown' ? (rng.next() < slowFraction ? 'slow' : 'fast') : target;
    const params = drawGalaxyParams(population, catidFor(accepted, opts.seed), rng);
    const galaxy = simulateGalaxy(params, rng);
    const m = measureGalaxy(galaxy);
    if (m.nValid < 60) continue;
    let label: 'fast' | 'slow' | 'unknown' | undefined;
    if (target === 'unknown') label = 'unknown';
    else if (m.label === 'unknown') label = left.unknown > 0 ? 'unknown' : undefined;
    else label = left[m.label] > 0 ? m.label : undefined;
    if (!label) continue;
    counts[label]++;
    if (label === 'unknown') unknownReasons[m.unknownReason ?? 'unflagged']++;
    kinds[params.kind][label]++;
    lambdas[label].push(m.lambdaR);
    valids.push(m.nValid);
    accepted++;
    yield {
      galaxy,
      row: {
        catid: params.catid,
        label,
        kind: params.kind,
        reArcsec: params.reArcsec,
        ellipticity: params.ellipticity,
        paDeg: params.paDeg,
        lambdaRe: m.lambdaR,
        vOverSigma: m.vOverSigma,
      },
    };
  }
  const qs = [0.05, 0.25, 0.5, 0.75, 0.95];
  const [vmin, vmed, vmax] = quantiles(valids, [0, 0.5, 1]);
  return {
    seed: opts.seed,
    rule: LABEL_RULE,
    counts,
    candidates: k,
    slowFraction: counts.slow / Math.max(1, counts.fast + counts.slow),
    kinds,
    lambdaReQuantiles: {
      fast: quantiles(lambdas.fast, qs),
      slow: quantiles(lambdas.slow, qs),
      unknown: quantiles(lambdas.unknown, qs),
    },
    validSpaxels: { min: vmin, median: vmed, max: vmax },
    unknownReasons,
  };
}

/**
 * Writes a synthetic SAMI DR3-like survey: `out/fits/<catid>_A_stellar-velocity[-dispersion]_default_two-moment.fits`,
 * `out/catalogue.csv` (columns {@link CATALOGUE_COLUMNS}) and `out/survey.json` (the summary).
 */
export async function generateSurvey(
  opts: SurveyOptions & { out: string; onProgress?: (done: number, total: number) => void },
): Promise<SurveySummary> {
  const fitsDir = join(opts.out, 'fits');
  await mkdir(fitsDir, { recursive: true });
  const rows: CatalogueRow[] = [];
  const plan = planSurvey(opts);
  const n = opts.n ?? PAPER_SAMPLE.labeled;
  const total = n + (opts.unknown ?? Math.round((n * PAPER_SAMPLE.unknown) / PAPER_SAMPLE.labeled));
  let pending: Promise<void>[] = [];
  for (;;) {
    const step = plan.next();
    if (step.done) {
      await Promise.all(pending);
      rows.sort((a, b) => a.catid.localeCompare(b.catid));
      await writeFile(join(opts.out, 'catalogue.csv'), formatCatalogue(rows));
      await writeFile(join(opts.out, 'survey.json'), `${JSON.stringify(step.value, null, 2)}\n`);
      opts.onProgress?.(total, total);
      return step.value;
    }
    const { galaxy, row } = step.value;
    const names = samiFileNames(row.catid);
    rows.push({ ...row, velocityFile: `fits/${names.velocity}`, dispersionFile: `fits/${names.dispersion}` });
    pending.push(
      writeFile(join(fitsDir, names.velocity), encodeVelocityFile(galaxy, opts.seed)),
      writeFile(join(fitsDir, names.dispersion), encodeDispersionFile(galaxy, opts.seed)),
    );
    if (pending.length >= 64) {
      await Promise.all(pending);
      pending = [];
      opts.onProgress?.(rows.length, total);
    }
  }
}
