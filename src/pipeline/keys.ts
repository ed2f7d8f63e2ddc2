/**
 * Bucket keys. The layout is fixed by PREFIX in src/config; this module is the only place that
 * spells a key so that ingest, classify, query and the tests agree. Which galaxy a file is lives in
 * identity.ts.
 */
import { FITS_SUFFIXES, PREFIX } from '../config/index.ts';

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
  /**
   * One version of a galaxy's preprocessed map (binary, see map-codec.ts); `version` is the content
   * hash from identity.ts, so two files of one galaxy never overwrite each other's map.
   */
  mapData: (galaxyId: string, version: string) => `${PREFIX.maps}${galaxyId}/${version}.bin`,
  /** The galaxy's current map: its metadata (provenance, science) and the versioned `mapKey` (JSON). */
  mapMeta: (galaxyId: string) => `${PREFIX.maps}${galaxyId}.json`,
  attributionNpy: (modelVersion: string, galaxyId: string) =>
    `${PREFIX.attributions}${modelVersion}/${galaxyId}.npy`,
  attributionPng: (modelVersion: string, galaxyId: string) =>
    `${PREFIX.attributions}${modelVersion}/${galaxyId}.png`,
} as const;
