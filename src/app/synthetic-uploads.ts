/**
 * Synthetic SAMI DR3-like uploads (velocity + dispersion FITS bytes) from the seeded survey
 * simulator, for the one-machine demo, the integration tests and the pipeline benchmark.
 */
import { mulberry32 } from '../maps/random.ts';
import {
  drawGalaxyParams,
  encodeDispersionFile,
  encodeVelocityFile,
  samiFileNames,
  simulateGalaxy,
} from '../survey/index.ts';

export interface SyntheticUpload {
  catid: string;
  population: 'fast' | 'slow';
  velocity: { name: string; bytes: Uint8Array };
  dispersion: { name: string; bytes: Uint8Array };
}

/** One galaxy; the same (catid, population, seed) always gives the same bytes. */
export function syntheticUpload(catid: string, population: 'fast' | 'slow', seed: number): SyntheticUpload {
  const rng = mulberry32(seed);
  const galaxy = simulateGalaxy(drawGalaxyParams(population, catid, rng), rng);
  const names = samiFileNames(catid);
  return {
    catid,
    population,
    velocity: { name: names.velocity, bytes: encodeVelocityFile(galaxy, seed) },
    dispersion: { name: names.dispersion, bytes: encodeDispersionFile(galaxy, seed) },
  };
}
