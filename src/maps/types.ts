import { PermanentInputError } from '../errors.ts';

/** Survey a map came from. */
export type MapSurvey = 'SAMI' | 'MaNGA' | 'synthetic' | 'unknown';

/**
 * One galaxy's stellar kinematic maps on a regular spaxel grid.
 * All planes are row-major (`r * width + c`), row 0 at the bottom as in FITS.
 */
export interface KinematicMap {
  galaxyId: string;
  survey: MapSurvey;
  width: number;
  height: number;
  /** Spaxel size in arcsec. */
  pixelScaleArcsec: number;
  /** Line-of-sight stellar velocity relative to systemic, km/s; NaN where invalid. */
  velocity: Float64Array;
  /** Stellar velocity dispersion, km/s (corrected for instrumental broadening where the survey requires it). */
  dispersion?: Float64Array;
  /** Continuum flux, survey units. */
  flux?: Float64Array;
  /** 1-sigma velocity error, km/s. */
  velocityError?: Float64Array;
  /** 1-sigma dispersion error, km/s. */
  dispersionError?: Float64Array;
  /** Signal-to-noise per spaxel (per Å for SAMI). */
  snr?: Float64Array;
  /** 1 = usable spaxel (finite velocity, not masked). */
  valid: Uint8Array;
  source: { velocityFile: string; dispersionFile?: string };
}

/** A product galspin cannot use; the message is one line naming the file. */
export class MapError extends PermanentInputError {
  override name = 'MapError';
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

/** Number of valid spaxels in a map. */
export function countValid(valid: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < valid.length; i++) n += valid[i];
  return n;
}
