import { type ImageHduSpec, writeFits } from '../fits/index.ts';
import type { MockGalaxy } from './family.ts';

/** SAMI DR3 file names of the default-binned two-moment stellar kinematics of one galaxy (cube `_A`). */
export function samiFileNames(catid: string): { velocity: string; dispersion: string } {
  return {
    velocity: `${catid}_A_stellar-velocity_default_two-moment.fits`,
    dispersion: `${catid}_A_stellar-velocity-dispersion_default_two-moment.fits`,
  };
}

const FLUX_UNIT = '10**(-16) erg /s /cm**2 /angstrom /pixel';

/** Deterministic sky position for the WCS cards (the synthetic survey has no real sky). */
function skyPosition(catid: string): { ra: number; dec: number } {
  let h = 2166136261;
  for (const ch of catid) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return { ra: (h % 360000) / 1000, dec: -30 + ((h >>> 8) % 60000) / 1000 };
}

function primaryHeader(g: MockGalaxy, product: string, seed: number | undefined): ImageHduSpec['header'] {
  const { ra, dec } = skyPosition(g.galaxyId);
  const deg = g.pixelScaleArcsec / 3600;
  return {
    CRPIX1: { value: (g.width + 1) / 2, comment: 'Pixel coordinate of reference point' },
    CRPIX2: { value: (g.height + 1) / 2, comment: 'Pixel coordinate of reference point' },
    CDELT1: { value: -deg, comment: '[deg] Coordinate increment at reference point' },
    CDELT2: { value: deg, comment: '[deg] Coordinate increment at reference point' },
    CTYPE1: { value: 'RA---TAN', comment: 'Right ascension, gnomonic projection' },
    CTYPE2: { value: 'DEC--TAN', comment: 'Declination, gnomonic projection' },
    CRVAL1: { value: ra, comment: '[deg] Coordinate value at reference point' },
    CRVAL2: { value: dec, comment: '[deg] Coordinate value at reference point' },
    EQUINOX: 2000.0,
    CATID: { value: g.galaxyId, comment: 'Object ID' },
    INSTRUME: { value: 'AAOMEGA-SAMI', comment: 'Instrument in use' },
    IFUPROBE: {
      value: String(1 + (Number.parseInt(g.galaxyId, 10) % 13)),
      comment: 'Id number(s) of the SAMI IFU probe(s)',
    },
    N_MOM: { value: 2, comment: 'Number of moments fit with pPXF' },
    Z_PPXF: { value: Number(g.zPpxf.toFixed(5)), comment: 'Best fitting redshift from ppxf' },
    PRODUCT: { value: product, comment: 'Data Product' },
    UNIT: { value: 'km/s', comment: 'Unit of map' },
    ORIGIN: { value: 'galspin simulate', comment: 'Synthetic SAMI DR3-like product' },
    ...(seed === undefined ? {} : { SIMSEED: { value: seed, comment: 'galspin survey seed' } }),
  };
}

function ext(
  extname: string,
  data: Float64Array,
  unit: string | undefined,
  description: string,
): ImageHduSpec {
  return {
    bitpix: -64,
    shape: [50, 50],
    data,
    extname,
    header: {
      ...(unit ? { UNIT: { value: unit, comment: 'Unit of map' } } : {}),
      DP_NAME: { value: extname, comment: 'Name of this data product' },
      DESCRIPT: { value: description, comment: 'Short description' },
    },
  };
}

/** The velocity file: PRIMARY (V), VEL_ERR, FLUX, FLUX_ERR, SNR — BITPIX −64, NaN outside the S/N cut. */
export function encodeVelocityFile(g: MockGalaxy, seed?: number): Uint8Array {
  return writeFits([
    {
      bitpix: -64,
      shape: [g.width, g.height],
      data: g.velocity,
      header: primaryHeader(g, 'Stellar Kinematics  (2 moments)', seed),
    },
    ext('VEL_ERR', g.velocityError, 'km/s', 'Velocity error map (unbinned)'),
    ext('FLUX', g.flux, FLUX_UNIT, 'Flux map (unbinned)'),
    ext('FLUX_ERR', g.fluxError, FLUX_UNIT, 'Flux error map (unbinned)'),
    ext('SNR', g.snr, undefined, 'Map of final S/N, after fit'),
  ]);
}

/** The dispersion file: PRIMARY (σ), SIG_ERR, FLUX, FLUX_ERR, SNR. */
export function encodeDispersionFile(g: MockGalaxy, seed?: number): Uint8Array {
  return writeFits([
    {
      bitpix: -64,
      shape: [g.width, g.height],
      data: g.dispersion,
      header: primaryHeader(g, 'Stellar Kinematics  (2 moments) dispersion', seed),
    },
    ext('SIG_ERR', g.dispersionError, 'km/s', 'Velocity dispersion error map (unbinned)'),
    ext('FLUX', g.flux, FLUX_UNIT, 'Flux map (unbinned)'),
    ext('FLUX_ERR', g.fluxError, FLUX_UNIT, 'Flux error map (unbinned)'),
    ext('SNR', g.snr, undefined, 'Map of final S/N, after fit'),
  ]);
}
