/**
 * Galaxy identity: the one place that decides which galaxy an uploaded file is, and which version
 * of that galaxy's map it makes.
 *
 * Precedence of the galaxy id (documented in docs/pipeline.md, "Galaxy identity"):
 * 1. the header: SAMI `CATID`, MaNGA `PLATEIFU` (read by src/maps/load.ts with the map itself);
 * 2. the file name: SAMI DR2/DR3 `<CATID>[_A]_stellar-velocity…`, MaNGA `manga-<plate>-<ifu>-MAPS…`;
 * 3. the file stem, for files that follow neither convention.
 * The header wins because a file is renamed far more often than its header is rewritten.
 *
 * The id is sanitised exactly once, here: only characters safe in an S3 key segment and a DynamoDB
 * key survive, at most 128 of them.
 */
import { createHash } from 'node:crypto';
import { FITS_SUFFIXES } from '../config/index.ts';
import type { FitsFile } from '../fits/index.ts';

/** Product kinds recognised from a SAMI/MaNGA file name. */
export type ProductKind = 'velocity' | 'dispersion' | 'maps' | 'unknown';

export interface ObjectIdentity {
  /** Survey id: SAMI CATID, MaNGA plate-ifu, or the file stem when neither is recognisable. */
  galaxyId: string;
  product: ProductKind;
}

/** Where a galaxy id came from (see the module comment for the precedence). */
export type IdSource = 'header' | 'file name' | 'file stem';

export interface GalaxyIdentity {
  galaxyId: string;
  from: IdSource;
  /** The file name's id when it names a different galaxy than the header (worth a note). */
  fileNameDisagrees?: string;
}

/** Only characters safe in an S3 key segment and a DynamoDB key survive in a galaxy id. */
export function sanitiseGalaxyId(id: string): string {
  // Leading dots go too: `..` or `.x` as a key segment would be a path trick, not a name.
  return (
    id
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 128) || 'unnamed'
  );
}

function baseName(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash >= 0 ? key.slice(slash + 1) : key;
}

function stripFitsSuffix(name: string): string {
  const lower = name.toLowerCase();
  for (const s of FITS_SUFFIXES) if (lower.endsWith(s)) return name.slice(0, -s.length);
  return name;
}

/**
 * Galaxy id and product kind from an object key alone, following the SAMI DR2/DR3 naming
 * (`<CATID>[_A]_stellar-velocity[-dispersion]_<binning>_<moments>.fits`) and MaNGA DAP
 * (`manga-<plate>-<ifu>-MAPS-….fits.gz`). Used before the file is read, and as step 2–3 of the
 * precedence once it is.
 */
export function identifyObject(key: string): ObjectIdentity {
  const stem = stripFitsSuffix(baseName(key));
  const manga = /^manga-(\d+-\d+)-MAPS/i.exec(stem);
  if (manga) return { galaxyId: manga[1], product: 'maps' };
  const sami = /^([A-Za-z0-9]+?)(?:_[A-Z])?_stellar-velocity(-dispersion)?_/i.exec(stem);
  if (sami) return { galaxyId: sanitiseGalaxyId(sami[1]), product: sami[2] ? 'dispersion' : 'velocity' };
  return { galaxyId: sanitiseGalaxyId(stem), product: 'unknown' };
}

/** The id a file's primary header gives: SAMI `CATID`, else MaNGA `PLATEIFU`, else `MANGAID`. */
export function headerGalaxyId(fits: FitsFile): string | undefined {
  const primary = fits.hdus[0]?.header;
  for (const keyword of ['CATID', 'PLATEIFU', 'MANGAID']) {
    const value = primary?.get(keyword);
    const text =
      typeof value === 'string'
        ? value.trim()
        : typeof value === 'number' || typeof value === 'bigint'
          ? String(value)
          : '';
    if (text) return text;
  }
  return undefined;
}

/** The galaxy a file is, from its header id (if any) and its key, by the module's precedence. */
export function resolveGalaxyId(key: string, headerId: string | undefined): GalaxyIdentity {
  const fromName = identifyObject(key);
  const header = headerId?.trim();
  if (header) {
    const galaxyId = sanitiseGalaxyId(header);
    const disagrees = fromName.product !== 'unknown' && fromName.galaxyId !== galaxyId;
    return { galaxyId, from: 'header', fileNameDisagrees: disagrees ? fromName.galaxyId : undefined };
  }
  return { galaxyId: fromName.galaxyId, from: fromName.product === 'unknown' ? 'file stem' : 'file name' };
}

/**
 * The version of a galaxy's map: a content hash of the bytes it was computed from (the velocity
 * file, then its dispersion companion if one was used) and of the map format. Two uploads with the
 * same bytes make the same version; any changed byte makes a new one. 16 hex digits (64 bits).
 */
export function mapVersion(velocityBytes: Uint8Array, dispersionBytes?: Uint8Array, format = 2): string {
  const h = createHash('sha256');
  h.update(`galspin-map-v${format}\0`);
  h.update(velocityBytes);
  if (dispersionBytes) {
    h.update('\0dispersion\0');
    h.update(dispersionBytes);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Whether two source keys are the same file uploaded again (same file name, in any run folder):
 * a changed re-upload of the same file is a new version of the galaxy's map, while a differently
 * named file that claims the same galaxy with other content is a conflict.
 */
export function sameSourceFile(a: string, b: string): boolean {
  return baseName(a) === baseName(b);
}
