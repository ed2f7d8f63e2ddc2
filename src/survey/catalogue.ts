import { readFile, stat } from 'node:fs/promises';
import { LIMITS } from '../config/index.ts';
import { GALAXY_KINDS, type GalaxyKind } from './kinds.ts';

/** Columns of catalogue.csv, in order. */
export const CATALOGUE_COLUMNS = [
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

export type CatalogueLabel = 'fast' | 'slow' | 'unknown';

export interface CatalogueRow {
  catid: string;
  /** Traditional label from λRe, εe (van de Sande et al. 2021 box); unknown = no flag. */
  label: CatalogueLabel;
  /** True physical kind of the simulated galaxy. */
  kind: GalaxyKind;
  reArcsec: number;
  ellipticity: number;
  paDeg: number;
  lambdaRe: number;
  vOverSigma: number;
  /** Paths relative to the catalogue's folder. */
  velocityFile: string;
  dispersionFile: string;
}

export class CatalogueError extends Error {
  override name = 'CatalogueError';
}

export function formatCatalogue(rows: readonly CatalogueRow[]): string {
  const lines = [CATALOGUE_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
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
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Parses catalogue.csv text; `file` names the source in errors. Columns are found by header name. */
export function parseCatalogue(text: string, file = '<catalogue>'): CatalogueRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new CatalogueError(`${file}: empty catalogue`);
  const header = lines[0].split(',').map((h) => h.trim());
  const col: Record<string, number> = {};
  for (const name of CATALOGUE_COLUMNS) {
    const idx = header.indexOf(name);
    if (idx < 0) throw new CatalogueError(`${file}: missing column '${name}'`);
    col[name] = idx;
  }
  return lines.slice(1).map((line, k) => {
    const f = line.split(',');
    const where = `${file}:${k + 2}`;
    const num = (name: string): number => {
      const v = Number(f[col[name]]);
      if (!Number.isFinite(v))
        throw new CatalogueError(`${where}: ${name} '${f[col[name]]}' is not a number`);
      return v;
    };
    const label = f[col.label];
    if (label !== 'fast' && label !== 'slow' && label !== 'unknown') {
      throw new CatalogueError(`${where}: label '${label}' is not fast, slow or unknown`);
    }
    const kind = f[col.kind] as GalaxyKind;
    if (!GALAXY_KINDS.includes(kind)) throw new CatalogueError(`${where}: unknown kind '${kind}'`);
    return {
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
