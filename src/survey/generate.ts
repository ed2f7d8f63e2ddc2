import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveSeed, mulberry32, type Rng } from '../maps/random.ts';
import type { RotatorRule } from '../maps/rules.ts';
import { type CatalogueRow, formatCatalogue } from './catalogue.ts';
import { familyOf } from './families.ts';
import type { Family, GeneratorFamily, MockGalaxy, Nuisance, Population } from './family.ts';
import { type GalaxyMeasurement, LABEL_RULE, measureGalaxy } from './measure.ts';
import { applySurveyDefects, drawNuisance, STRESS_DESCRIPTIONS, type StressPreset } from './nuisance.ts';
import { encodeDispersionFile, encodeVelocityFile, samiFileNames } from './sami-fits.ts';

/** The paper's labeled sample (Chegeni et al. 2025): 1,112 galaxies, 980 fast, 132 slow, 854 unknown. */
export const PAPER_SAMPLE = { labeled: 1112, fast: 980, slow: 132, unknown: 854 } as const;

/** Fewer valid spaxels than this and a candidate is not a survey member at all. */
export const MIN_VALID_SPAXELS = 60;

export interface SurveyOptions {
  /** Generator family. Default 'analytic'. */
  family?: GeneratorFamily;
  /** Labeled galaxies (fast + slow). Default 1112. */
  n?: number;
  seed: number;
  /** Slow share of the labeled galaxies. Default 132/1112 (0 under the `flat` stress preset). */
  slowFraction?: number;
  /** Unlabeled galaxies. Default n × 854/1112. */
  unknown?: number;
  /** Moves one nuisance distribution to its hard end (see ./nuisance.ts). */
  stress?: StressPreset;
}

export interface PlannedGalaxy {
  galaxy: MockGalaxy;
  nuisance: Nuisance;
  measurement: GalaxyMeasurement;
  row: Omit<CatalogueRow, 'velocityFile' | 'dispersionFile'>;
}

type Label = 'fast' | 'slow' | 'unknown';
type Quartet = [number, number, number, number, number];

export interface SurveySummary {
  seed: number;
  family: GeneratorFamily;
  stress: StressPreset | null;
  rule: RotatorRule;
  /** How the labeled set was drawn so that nuisance cannot tell the labels apart. */
  design: string;
  counts: { fast: number; slow: number; unknown: number };
  /** Candidates drawn (one nuisance each; labeled candidates render a galaxy of both populations). */
  candidates: number;
  /** Galaxies rendered, probes and rejects included. */
  rendered: number;
  slowFraction: number;
  /** Labels per true kind. */
  kinds: Record<string, { fast: number; slow: number; unknown: number }>;
  /** λRe quantiles (5, 25, 50, 75, 95 %) per label. */
  lambdaReQuantiles: Record<Label, number[]>;
  /** λRe quantiles (5, 25, 50, 75, 95 %) per true kind (all labels). */
  lambdaReByKind: Record<string, number[]>;
  validSpaxels: { min: number; median: number; max: number };
  /** Nuisance quantiles (5, 25, 50, 75, 95 %) per label: these should match between fast and slow. */
  nuisanceQuantiles: Record<'fast' | 'slow', Record<string, Quartet>>;
  /** Why the unknown galaxies have no flag: near the rule's boundary, Re ellipse poorly covered, or
   *  drawn as ordinary survey members without a flag. */
  unknownReasons: { borderline: number; coverage: number; unflagged: number };
}

export function quantiles(values: readonly number[], qs: readonly number[]): number[] {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return qs.map(() => Number.NaN);
  return qs.map((q) => {
    const x = q * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (x - lo);
  });
}

/**
 * The label a labeled galaxy gets: the rule's class on its measured λRe, ε — borderline galaxies
 * included, as a survey labelled by the rule has them (leaving them out makes the classes separable
 * by a margin that real data does not have, and the calibration temperature then collapses).
 * A poorly covered Re ellipse still gives no flag.
 */
function labeledAs(m: GalaxyMeasurement): Label {
  return m.unknownReason === 'coverage' ? 'unknown' : m.ruleLabel;
}

/** Six-digit SAMI-like CATIDs, unique within a survey (7919 is prime and coprime with 900000). */
function catidFor(index: number, seed: number): string {
  return String(100000 + ((index * 7919 + (seed >>> 0) * 104729) % 900000));
}

function render(
  family: Family,
  population: Population,
  catid: string,
  nuisance: Nuisance,
  rng: Rng,
): { galaxy: MockGalaxy; m: GalaxyMeasurement } {
  const galaxy = applySurveyDefects(family.simulate(population, catid, nuisance, rng), nuisance, rng);
  return { galaxy, m: measureGalaxy(galaxy) };
}

/** ε bins in which the two labels' ε histograms are kept in step. */
const EPS_BINS = 8;

const NUISANCE_KEYS = [
  'ellipticity',
  'reArcsec',
  'snAtRe',
  'psfFwhmArcsec',
  'sersicN',
  'sigmaScaleKms',
] as const;

export const SURVEY_DESIGN =
  'twin probes: each labeled candidate draws one nuisance and renders a fast and a slow galaxy with it; ' +
  'the nuisance is kept only when both are labeled as their population by the rule, and one of the two ' +
  '(chosen by the remaining quotas, independently of the nuisance) enters the survey — so the accepted ' +
  'fast and slow galaxies share one nuisance distribution; their histograms of the photometric ε (which a ' +
  'family may derive from the intrinsic shape) are kept in step in 8 bins';

function resolve(opts: SurveyOptions) {
  const n = opts.n ?? PAPER_SAMPLE.labeled;
  const flat = opts.stress === 'flat';
  const slowFraction = flat ? 0 : (opts.slowFraction ?? PAPER_SAMPLE.slow / PAPER_SAMPLE.labeled);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(slowFraction >= 0 && slowFraction <= 1))
    throw new RangeError(`slowFraction must be in [0, 1], got ${slowFraction}`);
  if (opts.stress !== undefined && !(opts.stress in STRESS_DESCRIPTIONS))
    throw new RangeError(`unknown stress preset '${opts.stress}'`);
  const unknown = opts.unknown ?? Math.round((n * PAPER_SAMPLE.unknown) / PAPER_SAMPLE.labeled);
  if (!Number.isInteger(unknown) || unknown < 0)
    throw new RangeError(`unknown must be a non-negative integer, got ${unknown}`);
  return { n, slowFraction, unknown, familyName: opts.family ?? 'analytic' };
}

/**
 * Simulates galaxies until the quotas are filled, in memory, deterministically per seed.
 *
 * Labels come from λRe, εe measured on the noisy maps (defects included) by {@link LABEL_RULE}. The
 * labeled set is drawn by twin probes ({@link SURVEY_DESIGN}): a nuisance enters only when a galaxy of
 * each population rendered with it gets its population's label, so whatever the measurement depends
 * on (ε, size over PSF, S/N, σ level, defects) is equally distributed among fast and slow galaxies.
 * Unknown galaxies are survey members without a flag: borderline, poorly covered, or unflagged.
 */
export function* planSurvey(opts: SurveyOptions): Generator<PlannedGalaxy, SurveySummary> {
  const { n, slowFraction, unknown, familyName } = resolve(opts);
  const family = familyOf(familyName);
  const need = { slow: Math.round(n * slowFraction), fast: 0, unknown };
  need.fast = n - need.slow;
  const counts = { fast: 0, slow: 0, unknown: 0 };
  const kinds: SurveySummary['kinds'] = {};
  for (const k of [...family.kinds.fast, ...family.kinds.slow]) kinds[k] = { fast: 0, slow: 0, unknown: 0 };
  const lambdas: Record<Label, number[]> = { fast: [], slow: [], unknown: [] };
  const lambdaByKind: Record<string, number[]> = {};
  const nuis: Record<'fast' | 'slow', Record<string, number[]>> = { fast: {}, slow: {} };
  const valids: number[] = [];
  const unknownReasons = { borderline: 0, coverage: 0, unflagged: 0 };
  const total = n + unknown;
  const maxCandidates = 30 * total + 1000;
  const twins = need.slow > 0 && need.fast > 0;
  // ε is the galaxy's own (a family may derive it from the intrinsic shape rather than the nuisance):
  // keep the ε histograms of the two labels in step, bin by bin
  const [epsLo, epsHi] = opts.stress === 'flat' ? [0.4, 0.8] : [0, 0.4];
  const epsBin = (e: number) =>
    Math.min(EPS_BINS - 1, Math.max(0, Math.floor(((e - epsLo) / (epsHi - epsLo)) * EPS_BINS)));
  const binCounts = { fast: new Array<number>(EPS_BINS).fill(0), slow: new Array<number>(EPS_BINS).fill(0) };
  const tol = 2 / Math.max(1, Math.min(need.fast, need.slow));
  const roomInBin = (label: 'fast' | 'slow', b: number): boolean => {
    if (!twins) return true;
    const other = label === 'fast' ? 'slow' : 'fast';
    return (binCounts[label][b] + 1) / need[label] <= binCounts[other][b] / need[other] + tol;
  };
  let accepted = 0;
  let rendered = 0;
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
    const target: Label = u < left.fast ? 'fast' : u < left.fast + left.slow ? 'slow' : 'unknown';
    const catid = catidFor(accepted, opts.seed);
    const nuisance = drawNuisance(rng, opts.stress);
    let chosen: { galaxy: MockGalaxy; m: GalaxyMeasurement };
    let label: Label;
    if (target === 'unknown') {
      const population: Population = rng.next() < slowFraction ? 'slow' : 'fast';
      chosen = render(family, population, catid, nuisance, rng);
      rendered++;
      if (chosen.m.nValid < MIN_VALID_SPAXELS) continue;
      label = 'unknown';
    } else {
      // twin probes: both populations under this nuisance (the probe of a one-class survey is skipped)
      const other: Population = target === 'fast' ? 'slow' : 'fast';
      const mine = render(family, target, catid, nuisance, rng);
      rendered++;
      if (mine.m.nValid < MIN_VALID_SPAXELS || labeledAs(mine.m) !== target) continue;
      if (!roomInBin(target, epsBin(mine.galaxy.truth.ellipticity))) continue;
      if (twins) {
        const probe = render(family, other, catid, nuisance, rng);
        rendered++;
        if (probe.m.nValid < MIN_VALID_SPAXELS || labeledAs(probe.m) !== other) continue;
      }
      chosen = mine;
      label = target;
    }
    const { galaxy, m } = chosen;
    counts[label]++;
    if (label === 'unknown')
      unknownReasons[m.label === 'unknown' ? (m.unknownReason ?? 'unflagged') : 'unflagged']++;
    kinds[galaxy.kind] ??= { fast: 0, slow: 0, unknown: 0 };
    kinds[galaxy.kind][label]++;
    lambdas[label].push(m.lambdaR);
    (lambdaByKind[galaxy.kind] ??= []).push(m.lambdaR);
    if (label !== 'unknown') {
      binCounts[label][epsBin(galaxy.truth.ellipticity)]++;
      for (const key of NUISANCE_KEYS) (nuis[label][key] ??= []).push(nuisance[key]);
      // the galaxy's own photometric ε and Re (what imaging would give), not the nuisance's
      nuis[label].ellipticity[nuis[label].ellipticity.length - 1] = galaxy.truth.ellipticity;
      nuis[label].reArcsec[nuis[label].reArcsec.length - 1] = galaxy.truth.reArcsec;
      (nuis[label].nValid ??= []).push(m.nValid);
    }
    valids.push(m.nValid);
    accepted++;
    yield {
      galaxy,
      nuisance,
      measurement: m,
      row: {
        catid,
        label,
        kind: galaxy.kind,
        reArcsec: galaxy.truth.reArcsec,
        ellipticity: galaxy.truth.ellipticity,
        paDeg: galaxy.truth.paDeg,
        lambdaRe: m.lambdaR,
        vOverSigma: m.vOverSigma,
        family: family.name,
        nuisance: {
          psfFwhm: nuisance.psfFwhmArcsec,
          snAtRe: nuisance.snAtRe,
          sersicN: nuisance.sersicN,
          sigmaScale: nuisance.sigmaScaleKms,
          vSysOffset: nuisance.vSysOffsetKms,
          hotFraction: nuisance.hotFraction,
          deadFraction: nuisance.deadFraction,
          nValid: m.nValid,
        },
      },
    };
  }
  const qs = [0.05, 0.25, 0.5, 0.75, 0.95];
  const [vmin, vmed, vmax] = quantiles(valids, [0, 0.5, 1]);
  const q5 = (a: number[] | undefined) => quantiles(a ?? [], qs) as Quartet;
  const nq = (label: 'fast' | 'slow') =>
    Object.fromEntries([...NUISANCE_KEYS, 'nValid'].map((key) => [key, q5(nuis[label][key])]));
  return {
    seed: opts.seed,
    family: family.name,
    stress: opts.stress ?? null,
    rule: LABEL_RULE,
    design: SURVEY_DESIGN,
    counts,
    candidates: k,
    rendered,
    slowFraction: counts.slow / Math.max(1, counts.fast + counts.slow),
    kinds,
    lambdaReQuantiles: { fast: q5(lambdas.fast), slow: q5(lambdas.slow), unknown: q5(lambdas.unknown) },
    lambdaReByKind: Object.fromEntries(Object.entries(lambdaByKind).map(([kind, a]) => [kind, q5(a)])),
    validSpaxels: { min: vmin, median: vmed, max: vmax },
    nuisanceQuantiles: { fast: nq('fast'), slow: nq('slow') },
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
  const { n, unknown } = resolve(opts);
  const total = n + unknown;
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
