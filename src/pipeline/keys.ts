/**
 * Bucket keys and galaxy identity. The layout is fixed by PREFIX in src/config; this module is
 * the only place that spells a key so that ingest, classify, query and the tests agree.
 */
import { FITS_SUFFIXES, PREFIX } from '../config/index.ts';

/** Product kinds recognised from a SAMI/MaNGA file name. */
export type ProductKind = 'velocity' | 'dispersion' | 'maps' | 'unknown';

export interface ObjectIdentity {
  /** Survey id: SAMI CATID, MaNGA plate-ifu, or the file stem when neither is recognisable. */
  galaxyId: string;
  product: ProductKind;
}

/**
 * S3 event notifications URL-encode keys with `+` for spaces (form encoding), and emulators differ
 * in what they encode, so decoding must treat `+` as a space before percent-decoding.
 */
export function decodeS3Key(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

export function isFitsKey(key: string): boolean {
  const lower = key.toLowerCase();
  return FITS_SUFFIXES.some((s) => lower.endsWith(s));
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

/** Only characters safe in an S3 key segment and a DynamoDB key survive in a galaxy id. */
function sanitiseId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 128) || 'unnamed';
}

/**
 * Galaxy id and product kind from an object key, following the SAMI DR2/DR3 naming
 * (`<CATID>[_A]_stellar-velocity[-dispersion]_<binning>_<moments>.fits`) and MaNGA DAP
 * (`manga-<plate>-<ifu>-MAPS-….fits.gz`). The header's CATID, when present, wins later.
 */
export function identifyObject(key: string): ObjectIdentity {
  const stem = stripFitsSuffix(baseName(key));
  const manga = /^manga-(\d+-\d+)-MAPS/i.exec(stem);
  if (manga) return { galaxyId: manga[1], product: 'maps' };
  const sami = /^([A-Za-z0-9]+?)(?:_[A-Z])?_stellar-velocity(-dispersion)?_/i.exec(stem);
  if (sami) return { galaxyId: sanitiseId(sami[1]), product: sami[2] ? 'dispersion' : 'velocity' };
  return { galaxyId: sanitiseId(stem), product: 'unknown' };
}

/** Key of the dispersion product that belongs beside a SAMI velocity product, if the name allows. */
export function dispersionSibling(velocityKey: string): string | undefined {
  const next = velocityKey.replace(/_stellar-velocity_/, '_stellar-velocity-dispersion_');
  return next === velocityKey ? undefined : next;
}

/** Key of the velocity product that belongs beside a SAMI dispersion product. */
export function velocitySibling(dispersionKey: string): string | undefined {
  const next = dispersionKey.replace(/_stellar-velocity-dispersion_/, '_stellar-velocity_');
  return next === dispersionKey ? undefined : next;
}

export const keys = {
  /** Preprocessed 40×40 input (binary, see map-codec.ts). */
  mapData: (galaxyId: string) => `${PREFIX.maps}${galaxyId}.bin`,
  /** Provenance and per-map science values (JSON). */
  mapMeta: (galaxyId: string) => `${PREFIX.maps}${galaxyId}.json`,
  attributionNpy: (modelVersion: string, galaxyId: string) =>
    `${PREFIX.attributions}${modelVersion}/${galaxyId}.npy`,
  attributionPng: (modelVersion: string, galaxyId: string) =>
    `${PREFIX.attributions}${modelVersion}/${galaxyId}.png`,
} as const;
