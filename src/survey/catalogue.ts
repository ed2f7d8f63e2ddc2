import { readFile, stat } from 'node:fs/promises';
import { LIMITS } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import { CsvError, type CsvRecord, formatCsv, parseCsvRecords } from '../formats/csv.ts';

/** Columns every catalogue.csv has, in order (older catalogues stop here). */
export const CATALOGUE_BASE_COLUMNS = [
  'catid',
  'label',
  'kind',
  're_arcsec',
  'ellipticity',
  'pa_deg',
  'lambda_re',
  'v_over_sigma',
  'velocity_file',
  'dispersion_file',
] as const;

/** Columns added with the generator families: the family and the main nuisance truths (optional on read). */
export const CATALOGUE_NUISANCE_COLUMNS = [
  'family',
  'psf_fwhm',
  'sn_at_re',
  'sersic_n',
  'sigma_scale',
  'v_sys_offset',
  'hot_fraction',
  'dead_fraction',
  'n_valid',
] as const;

/** Columns of catalogue.csv as written, in order. */
export const CATALOGUE_COLUMNS = [...CATALOGUE_BASE_COLUMNS, ...CATALOGUE_NUISANCE_COLUMNS] as const;

export type CatalogueLabel = 'fast' | 'slow' | 'unknown';

/** Nuisance truths of a synthetic galaxy, as recorded in the catalogue. */
export interface CatalogueNuisance {
  /** PSF FWHM, arcsec. */
  psfFwhm: number;
  /** Continuum S/N per Å at Re. */
  snAtRe: number;
  sersicN: number;
  /** Central σ scale, km/s. */
  sigmaScale: number;
  /** Residual systemic velocity added to V, km/s. */
  vSysOffset: number;
  hotFraction: number;
  deadFraction: number;
  /** Valid spaxels of the written maps. */
  nValid: number;
}

export interface CatalogueRow {
  catid: string;
  /** Label from λRe, εe by the survey's rule (survey.json `rule`); unknown = no flag. */
  label: CatalogueLabel;
  /** True physical kind of the simulated galaxy (family-specific names). */
  kind: string;
  reArcsec: number;
  ellipticity: number;
  paDeg: number;
  lambdaRe: number;
  vOverSigma: number;
  /** Paths relative to the catalogue's folder. */
  velocityFile: string;
  dispersionFile: string;
  /** Generator family (absent in older catalogues). */
  family?: string;
  /** Nuisance truths (absent in older catalogues). */
  nuisance?: CatalogueNuisance;
}

export class CatalogueError extends PermanentInputError {
  override name = 'CatalogueError';
}

export function formatCatalogue(rows: readonly CatalogueRow[]): string {
  const lines: string[][] = [[...CATALOGUE_COLUMNS]];
  for (const r of rows) {
    const n = r.nuisance;
    const fields = [
      r.catid,
      r.label,
      r.kind,
      r.reArcsec.toFixed(3),
      r.ellipticity.toFixed(4),
      r.paDeg.toFixed(2),
      r.lambdaRe.toFixed(4),
      r.vOverSigma.toFixed(4),
      r.velocityFile,
      r.dispersionFile,
      r.family ?? '',
      n ? n.psfFwhm.toFixed(3) : '',
      n ? n.snAtRe.toFixed(3) : '',
      n ? n.sersicN.toFixed(3) : '',
      n ? n.sigmaScale.toFixed(2) : '',
      n ? n.vSysOffset.toFixed(2) : '',
      n ? n.hotFraction.toFixed(5) : '',
      n ? n.deadFraction.toFixed(5) : '',
      n ? String(n.nValid) : '',
    ];
    lines.push(fields);
  }
  return formatCsv(lines);
}

/**
 * Splits CSV text into records of fields with the line each starts on (src/formats/csv.ts: quoted
 * fields may hold commas, doubled quotes and line breaks; blank lines skipped).
 */
export function parseCsv(text: string, file = '<catalogue>'): CsvRecord[] {
  try {
    return parseCsvRecords(text, file);
  } catch (err) {
    if (err instanceof CsvError) throw new CatalogueError(err.message);
    throw err;
  }
}

/**
 * Parses catalogue.csv text; `file` names the source in errors. Columns are found by header name, so
 * older catalogues without the family and nuisance columns still read (those fields are then absent).
 */
export function parseCatalogue(text: string, file = '<catalogue>'): CatalogueRow[] {
  const records = parseCsv(text, file);
  if (records.length === 0) throw new CatalogueError(`${file}: empty catalogue`);
  const header = records[0].fields;
  const col: Record<string, number> = {};
  for (const name of CATALOGUE_BASE_COLUMNS) {
    const idx = header.indexOf(name);
    if (idx < 0) throw new CatalogueError(`${file}: missing column '${name}'`);
    col[name] = idx;
  }
  for (const name of CATALOGUE_NUISANCE_COLUMNS) col[name] = header.indexOf(name);
  const hasNuisance = CATALOGUE_NUISANCE_COLUMNS.slice(1).every((name) => col[name] >= 0);
  return records.slice(1).map(({ line, fields: f }) => {
    const where = `${file}:${line}`;
    const num = (name: string): number => {
      const raw = f[col[name]];
      const v = raw === undefined || raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(v)) throw new CatalogueError(`${where}: ${name} '${raw ?? ''}' is not a number`);
      return v;
    };
    const label = f[col.label];
    if (label !== 'fast' && label !== 'slow' && label !== 'unknown') {
      throw new CatalogueError(`${where}: label '${label}' is not fast, slow or unknown`);
    }
    const kind = f[col.kind] ?? '';
    if (kind === '') throw new CatalogueError(`${where}: empty kind`);
    const row: CatalogueRow = {
      catid: f[col.catid],
      label,
      kind,
      reArcsec: num('re_arcsec'),
      ellipticity: num('ellipticity'),
      paDeg: num('pa_deg'),
      lambdaRe: num('lambda_re'),
      vOverSigma: num('v_over_sigma'),
      velocityFile: f[col.velocity_file],
      dispersionFile: f[col.dispersion_file],
    };
    const family = col.family >= 0 ? f[col.family] : undefined;
    if (family) row.family = family;
    if (hasNuisance && (f[col.psf_fwhm] ?? '') !== '') {
      row.nuisance = {
        psfFwhm: num('psf_fwhm'),
        snAtRe: num('sn_at_re'),
        sersicN: num('sersic_n'),
        sigmaScale: num('sigma_scale'),
        vSysOffset: num('v_sys_offset'),
        hotFraction: num('hot_fraction'),
        deadFraction: num('dead_fraction'),
        nValid: num('n_valid'),
      };
    }
    return row;
  });
}

/** Reads catalogue.csv, refusing files over LIMITS.maxCatalogBytes. */
export async function readCatalogue(path: string): Promise<CatalogueRow[]> {
  const { size } = await stat(path);
  if (size > LIMITS.maxCatalogBytes) {
    throw new CatalogueError(
      `${path}: ${size} bytes exceeds the ${LIMITS.maxCatalogBytes}-byte catalogue limit`,
    );
  }
  return parseCatalogue(await readFile(path, 'utf8'), path);
}
