/**
 * The FITS fuzz: galspin's reader on a seeded corpus of mutated real fixtures
 * (bench/faults/fits-mutate.ts), plus gzip and tile bombs, judged against astropy's verdicts
 * (bench/oracles/fits_fuzz_oracle.json.gz, made by bench/oracles/fits_fuzz_astropy.py).
 *
 * Outcome of one file:
 * - clean error: galspin throws a FitsError (whatever astropy did: refusing is always safe);
 * - correct read: galspin reads, astropy reads, and every HDU agrees (type, name, shape, and the
 *   image digest: NaN/±Inf counts and positions, sum, |sum|, position-weighted sum, min, max, to
 *   float32 precision since astropy scales 8/16-bit data in float32; tables: rows and columns);
 * - wrong success: galspin reads where astropy rejects, or reads something else;
 * - non-FitsError: anything else thrown, or a FitsError that only wraps an unexpected internal
 *   error (`internal`: a RangeError deep in a decoder is a bug even when reported cleanly);
 * - hang: one file taking longer than `hangMs`.
 *
 *   npx tsx bench/faults/fits-fuzz.ts [--seed S --count N --oracle PATH] [--json] [--list]
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LIMITS } from '../../src/config/index.ts';
import { FitsError, parseFits } from '../../src/fits/index.ts';
import type { FitsFile, Hdu } from '../../src/fits/read.ts';
import { type Fixture, loadFixtures, makeCard, mutateCase, shortSha } from './fits-mutate.ts';

export const ORACLE_PATH = join(import.meta.dirname, '../oracles/fits_fuzz_oracle.json.gz');

type Digest =
  | null
  | ['table', number, [string | null, string][]]
  | [
      'image',
      number,
      number,
      number,
      string,
      number | string,
      number | string,
      number | string,
      number | string | null,
      number | string | null,
    ];
type HduEntry = [string, string, number[], Digest];
type Verdict = ['read', HduEntry[]] | ['reject', string, string];

export interface Oracle {
  seed: string;
  count: number;
  astropy: string;
  cases: Record<string, { sha: string; v: Verdict }>;
}

export interface FuzzCase {
  id: number | string;
  fixture: string;
  recipe: string[];
  outcome: 'clean-error' | 'correct-read' | 'wrong-success' | 'non-fits-error' | 'hang' | 'astropy-limit';
  detail: string;
}

export interface FitsFuzzResult {
  tried: number;
  cleanErrors: number;
  correctReads: number;
  wrongSuccesses: number;
  nonFitsErrors: number;
  hangs: number;
  /** Peak resident set size of the process (bytes), and its rise over the start of the run. */
  peakRssBytes: number;
  peakRssAboveStartBytes: number;
  /** Cases left out of the verdict because astropy itself could not judge them, with the reason. */
  documentedAstropyLimits: { id: number | string; reason: string }[];
  /** Cases not regenerated identically (mutator changed since the oracle was made). */
  staleOracle: number;
  cases: FuzzCase[];
}

export interface FitsFuzzOptions {
  seed?: string;
  /** Cases 0..count-1 of the seed (at most the oracle's count). */
  count?: number;
  /** Only these case ids (a sample of the corpus). */
  ids?: number[];
  oraclePath?: string;
  /** Include the gzip/tile bombs (each inflates up to the size limit). Default true. */
  bombs?: boolean;
  hangMs?: number;
}

export function loadOracle(path = ORACLE_PATH): Oracle {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Oracle;
}

/** Runs the corpus cases of `seed` through parseFits and judges each against astropy's verdict. */
export function runFitsFuzz(opts: FitsFuzzOptions = {}): FitsFuzzResult {
  const oracle = loadOracle(opts.oraclePath);
  const seed = opts.seed ?? oracle.seed;
  if (seed !== oracle.seed) throw new Error(`oracle is for seed ${oracle.seed}, not ${seed}`);
  const count = Math.min(opts.count ?? oracle.count, oracle.count);
  const ids = opts.ids ?? Array.from({ length: count }, (_, i) => i);
  const hangMs = opts.hangMs ?? 10_000;
  const fixtures = loadFixtures();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const result: FitsFuzzResult = {
    tried: 0,
    cleanErrors: 0,
    correctReads: 0,
    wrongSuccesses: 0,
    nonFitsErrors: 0,
    hangs: 0,
    peakRssBytes: 0,
    peakRssAboveStartBytes: 0,
    documentedAstropyLimits: [],
    staleOracle: 0,
    cases: [],
  };
  const record = (c: FuzzCase): void => {
    result.cases.push(c);
    if (c.outcome === 'clean-error') result.cleanErrors++;
    else if (c.outcome === 'correct-read') result.correctReads++;
    else if (c.outcome === 'wrong-success') result.wrongSuccesses++;
    else if (c.outcome === 'non-fits-error') result.nonFitsErrors++;
    else if (c.outcome === 'hang') result.hangs++;
    else result.documentedAstropyLimits.push({ id: c.id, reason: c.detail });
  };
  for (const id of ids) {
    const m = mutateCase(fixtures, seed, id);
    const expected = oracle.cases[String(id)];
    if (!expected || expected.sha !== shortSha(m.bytes)) {
      result.staleOracle++;
      continue;
    }
    result.tried++;
    record({ id, fixture: m.fixture, recipe: m.recipe, ...judge(m.bytes, `${id}.fits`, expected.v, hangMs) });
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  if (opts.bombs !== false) {
    for (const bomb of bombs(fixtures)) {
      result.tried++;
      const start = performance.now();
      const got = attempt(bomb.bytes, bomb.name);
      const ms = performance.now() - start;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      const outcome: FuzzCase['outcome'] =
        ms > hangMs
          ? 'hang'
          : got.kind === 'fits-error'
            ? 'clean-error'
            : got.kind === 'other-error'
              ? 'non-fits-error'
              : 'wrong-success';
      record({ id: bomb.name, fixture: bomb.name, recipe: [bomb.name], outcome, detail: got.detail });
    }
  }
  result.peakRssBytes = Math.max(rssPeak, process.resourceUsage().maxRSS * 1024);
  result.peakRssAboveStartBytes = rssPeak - rssStart;
  return result;
}

type Attempt =
  | { kind: 'read'; hdus: HduEntry[]; detail: string }
  | { kind: 'fits-error' | 'other-error'; detail: string };

/** Reads every HDU as a consumer would: headers, image values, table structure. */
function attempt(bytes: Uint8Array, name: string): Attempt {
  try {
    const fits = parseFits(bytes, name);
    return { kind: 'read', hdus: describe(fits), detail: '' };
  } catch (err) {
    // A FitsError wrapping a RangeError or TypeError is still a bug: counted as non-FitsError.
    if (err instanceof FitsError && !err.internal) return { kind: 'fits-error', detail: err.message };
    const e = err as Error;
    return { kind: 'other-error', detail: `${e?.name}: ${e?.message}` };
  }
}

function judge(
  bytes: Uint8Array,
  name: string,
  verdict: Verdict,
  hangMs: number,
): Pick<FuzzCase, 'outcome' | 'detail'> {
  const start = performance.now();
  const got = attempt(bytes, name);
  if (performance.now() - start > hangMs)
    return { outcome: 'hang', detail: `${performance.now() - start} ms` };
  if (got.kind === 'fits-error') return { outcome: 'clean-error', detail: got.detail };
  if (got.kind === 'other-error') return { outcome: 'non-fits-error', detail: got.detail };
  if (verdict[0] === 'reject') {
    const limit = astropyLimit(verdict);
    if (limit) return { outcome: 'astropy-limit', detail: limit };
    return { outcome: 'wrong-success', detail: `astropy rejects (${verdict[1]}: ${verdict[2]})` };
  }
  const diff = compareHdus((got as { hdus: HduEntry[] }).hdus, verdict[1]);
  if (!diff) return { outcome: 'correct-read', detail: '' };
  const limit = blankLimit(bytes, name, verdict[1]);
  return limit ? { outcome: 'astropy-limit', detail: limit } : { outcome: 'wrong-success', detail: diff };
}

/**
 * astropy leaves BLANK unapplied in two cases the FITS Standard does not exempt (Sect. 4.4.2.5):
 * BLANK = 0 (astropy tests the value's truth, and 0 is false), and pseudo-unsigned integers
 * (BSCALE = 1, BZERO = 2^(BITPIX−1)), which it returns as unsigned integers with no NaN. galspin
 * applies BLANK there. When galspin's read with BLANK left out of exactly those HDUs equals
 * astropy's, the difference is astropy's, and is listed as such.
 */
function blankLimit(bytes: Uint8Array, name: string, theirs: HduEntry[]): string | undefined {
  const fits = parseFits(bytes, name);
  const reasons: string[] = [];
  const ours = fits.hdus.map((hdu): HduEntry => {
    const entry: HduEntry = [hdu.type, hdu.extname ?? '', hdu.naxis, digestOf(hdu)];
    const blank = hdu.header.get('BLANK');
    if (blank === undefined || hdu.pixels === 0 || (hdu.type !== 'image' && hdu.type !== 'compressed-image'))
      return entry;
    const bscale = hdu.header.getNumber('BSCALE') ?? 1;
    const bzero = hdu.header.getNumber('BZERO') ?? 0;
    const unsigned = bscale === 1 && hdu.bitpix > 8 && bzero === 2 ** (hdu.bitpix - 1);
    if (Number(blank) !== 0 && !unsigned) return entry;
    reasons.push(
      Number(blank) === 0
        ? `HDU ${hdu.index}: astropy ignores BLANK = 0`
        : `HDU ${hdu.index}: astropy ignores BLANK on pseudo-unsigned data`,
    );
    const raw = hdu.raw();
    const values = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) values[i] = Number(raw[i]) * bscale + bzero;
    entry[3] = imageDigest(values);
    return entry;
  });
  return reasons.length > 0 && !compareHdus(ours, theirs) ? reasons.join('; ') : undefined;
}

/**
 * Verdicts where astropy could not judge the file itself. A galspin read of such a file is not
 * counted as right or wrong: astropy gave up (timeout, memory), so there is nothing to compare.
 */
function astropyLimit(verdict: ['reject', string, string]): string | undefined {
  if (verdict[1] === 'Crash')
    return `astropy crashed (${verdict[2]}): its tile decompressor dies on this input`;
  if (verdict[1] === 'Timeout') return 'astropy ran past its 60 s budget';
  if (verdict[1] === 'MemoryError') return 'astropy ran out of memory';
  return undefined;
}

/** The same per-HDU description as the oracle script's hdu_entry. */
export function describe(fits: FitsFile): HduEntry[] {
  return fits.hdus.map((hdu): HduEntry => [hdu.type, hdu.extname ?? '', hdu.naxis, digestOf(hdu)]);
}

function digestOf(hdu: Hdu): Digest {
  if (hdu.type === 'bintable' || hdu.type === 'table') {
    const t = hdu.table();
    for (const c of t.columns) hdu.column(c.index);
    return ['table', t.rows, t.columns.map((c) => [c.name ?? null, c.form])];
  }
  if ((hdu.type === 'image' || hdu.type === 'compressed-image') && hdu.pixels > 0) {
    return imageDigest(hdu.image());
  }
  return null;
}

function num(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return x;
}

export function imageDigest(values: Float64Array): Digest {
  let nan = 0;
  let pinf = 0;
  let ninf = 0;
  let sum = 0;
  let abs = 0;
  let wsum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let finite = 0;
  const mask = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      nan++;
      mask[i >> 3] |= 0x80 >> (i & 7);
    } else if (v === Number.POSITIVE_INFINITY) pinf++;
    else if (v === Number.NEGATIVE_INFINITY) ninf++;
    else {
      finite++;
      sum += v;
      abs += Math.abs(v);
      wsum += v * ((i % 7) + 1);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const sha = createHash('sha1').update(mask).digest('hex').slice(0, 16);
  return [
    'image',
    nan,
    pinf,
    ninf,
    sha,
    num(sum),
    num(abs),
    num(wsum),
    finite ? num(min) : null,
    finite ? num(max) : null,
  ];
}

/** First difference between galspin's HDUs and astropy's, or undefined when they agree. */
export function compareHdus(ours: HduEntry[], theirs: HduEntry[]): string | undefined {
  if (ours.length !== theirs.length) return `${ours.length} HDUs, astropy ${theirs.length}`;
  for (let i = 0; i < ours.length; i++) {
    const [t1, n1, a1, d1] = ours[i];
    const [t2, n2, a2, d2] = theirs[i];
    const where = `HDU ${i}`;
    if (t1 !== t2) return `${where}: ${t1}, astropy ${t2}`;
    if (n1 !== n2) return `${where}: name '${n1}', astropy '${n2}'`;
    if (a1.join('x') !== a2.join('x')) return `${where}: shape ${a1.join('x')}, astropy ${a2.join('x')}`;
    const d = compareDigest(d1, d2);
    if (d) return `${where}: ${d}`;
  }
  return undefined;
}

function compareDigest(a: Digest, b: Digest): string | undefined {
  if (a === null || b === null)
    return a === b ? undefined : `data ${a ? 'present' : 'absent'}, astropy ${b ? 'present' : 'absent'}`;
  if (a[0] !== b[0]) return `${a[0]} digest, astropy ${b[0]}`;
  if (a[0] === 'table' && b[0] === 'table') {
    if (a[1] !== b[1]) return `${a[1]} rows, astropy ${b[1]}`;
    const ca = JSON.stringify(a[2].map(([n, f]) => [n, normalForm(f)]));
    const cb = JSON.stringify(b[2].map(([n, f]) => [n, normalForm(f)]));
    return ca === cb ? undefined : `columns ${ca}, astropy ${cb}`;
  }
  if (a[0] === 'image' && b[0] === 'image') {
    for (const k of [1, 2, 3, 4] as const)
      if (a[k] !== b[k]) return `digest field ${k}: ${a[k]}, astropy ${b[k]}`;
    const scale = typeof b[6] === 'number' ? Math.abs(b[6]) : 0;
    for (const k of [5, 6, 7, 8, 9] as const) {
      const x = a[k];
      const y = b[k];
      if (typeof x === 'number' && typeof y === 'number') {
        // float32 rounding of each value (astropy's scaled 8/16-bit data), summed over the image.
        const tol = 2e-6 * (k === 7 ? 7 * scale : k === 8 || k === 9 ? Math.abs(y) : scale) + 1e-300;
        if (Math.abs(x - y) > tol) return `digest field ${k}: ${x}, astropy ${y}`;
      } else if (x !== y) return `digest field ${k}: ${x}, astropy ${y}`;
    }
  }
  return undefined;
}

/** astropy writes TFORMs in its normal form ('1E' as 'E'); compare them so. */
function normalForm(form: string): string {
  const f = form.trim().toUpperCase();
  return f.replace(/^1(?=[A-Z])/, '');
}

interface Bomb {
  name: string;
  bytes: Uint8Array;
}

/**
 * Inputs built to exhaust memory: gzip streams that inflate past LIMITS.maxFitsBytes (plain zeros,
 * and a valid header announcing a huge image), and tile-compressed images whose ZNAXISn announce
 * 40 000 × 40 000 pixels. Each must end in a FitsError naming the limit, with memory held to it.
 */
export function bombs(fixtures: Fixture[]): Bomb[] {
  const limit = LIMITS.maxFitsBytes;
  const zeros = gzipSync(new Uint8Array(limit + (1 << 20)), { level: 9 });
  const header = new Uint8Array(2880).fill(0x20);
  const cards = [
    makeCard('SIMPLE', 'T'),
    makeCard('BITPIX', '8'),
    makeCard('NAXIS', '1'),
    makeCard('NAXIS1', String(4 * limit)),
  ];
  cards.forEach((c, i) => {
    header.set(c, i * 80);
  });
  header.set(Buffer.from('END'), cards.length * 80);
  const fitsBomb = new Uint8Array(2880 + 2 * limit);
  fitsBomb.set(header);
  const out: Bomb[] = [
    { name: 'gzip-bomb-zeros', bytes: new Uint8Array(zeros) },
    { name: 'gzip-bomb-fits', bytes: new Uint8Array(gzipSync(fitsBomb, { level: 9 })) },
  ];
  for (const fx of fixtures.filter((f) => f.hdus.some((h) => h.tiles))) {
    const text = Buffer.from(fx.bytes).toString('latin1');
    const bytes = fx.bytes.slice();
    for (const key of ['ZNAXIS1', 'ZNAXIS2']) {
      const at = text.indexOf(key.padEnd(8));
      if (at >= 0) bytes.set(makeCard(key, '40000'), at);
    }
    for (const key of ['ZTILE1', 'ZTILE2']) {
      const at = text.indexOf(key.padEnd(8));
      if (at >= 0) bytes.set(makeCard(key, '40000'), at);
    }
    // Checksums would catch the edit first; turn them into commentary so the size limit is tested.
    for (const key of ['CHECKSUM=', 'DATASUM =']) {
      for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
        if (at % 80 === 0) bytes.set(Buffer.from('COMMENT   '), at);
      }
    }
    out.push({ name: `tile-bomb-${fx.name}`, bytes });
  }
  return out;
}

function main(): void {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const count = arg('--count');
  const result = runFitsFuzz({
    seed: arg('--seed'),
    count: count ? Number(count) : undefined,
    oraclePath: arg('--oracle'),
  });
  if (process.argv.includes('--list')) {
    for (const c of result.cases) {
      if (c.outcome !== 'correct-read' && c.outcome !== 'clean-error')
        console.log(`${c.outcome}\t${c.id}\t${c.fixture}\t${c.recipe.join(' + ')}\t${c.detail}`);
    }
  }
  if (process.argv.includes('--errors')) {
    for (const c of result.cases) if (c.outcome === 'clean-error') console.log(`${c.id}\t${c.detail}`);
  }
  const { cases: _cases, ...summary } = result;
  console.log(process.argv.includes('--json') ? JSON.stringify(summary) : summary);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) main();
