/**
 * Per-galaxy science values measured at ingest on the full-resolution map: Global Moran's I of the
 * velocity field and, when the dispersion is available, λ_Re and ε. They ride in the map's metadata
 * so the GPU worker copies them into the result row without redoing CPU work.
 */

import { measureKinematics } from '../maps/lambdaR.ts';
import { moransI } from '../maps/moran.ts';
import { ellipseFromMoments, halfLightRadius } from '../maps/photometry.ts';
import type { KinematicMap } from '../maps/types.ts';
import type { MapScience } from './map-codec.ts';

/**
 * Moran's I with rook weights over valid spaxels (as the paper's Fig. 6; PySAL `esda.Moran` on
 * `lat2W`). λ_Re follows Emsellem et al. 2007 eq. 6 inside the half-light ellipse whose ε and PA
 * come from the flux second moments (Emsellem et al. 2011, Sect. 3.2); the half-light radius is
 * measured on the observed field only, so it is a lower bound where the field truncates the galaxy.
 */
export function measureMapScience(map: KinematicMap): MapScience {
  let nValid = 0;
  for (let i = 0; i < map.valid.length; i++) nValid += map.valid[i] ? 1 : 0;
  const moran = nValid >= 3 ? moransI(map.velocity, map.valid, map.width, map.height) : undefined;
  const I = moran && Number.isFinite(moran.I) ? moran.I : null;
  const z = moran && Number.isFinite(moran.z) ? moran.z : null;
  const out: MapScience = { moransI: I, moransZ: z, nValid };
  if (!map.dispersion) return out;
  // Without a flux plane, the valid spaxels weigh equally: the ellipse is then the footprint's.
  const flux = map.flux ?? Float64Array.from(map.valid, (v) => (v ? 1 : 0));
  const ellipse = ellipseFromMoments(flux, map.width, map.height, map.valid);
  const radiusPx = halfLightRadius(flux, map.width, map.height, ellipse, map.valid);
  if (!(radiusPx > 0)) return out;
  const m = measureKinematics(
    {
      width: map.width,
      height: map.height,
      velocity: map.velocity,
      dispersion: map.dispersion,
      flux,
      valid: map.valid,
    },
    { ...ellipse, radiusPx },
  );
  if (m.nSpaxels === 0 || !Number.isFinite(m.lambdaR)) return out;
  return {
    ...out,
    lambdaRe: m.lambdaR,
    ellipticity: ellipse.ellipticity,
    reArcsec: radiusPx * map.pixelScaleArcsec,
  };
}
