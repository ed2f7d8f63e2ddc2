/**
 * The `analytic` generator family: smooth analytic velocity and dispersion fields (arctan discs, KDCs,
 * counter-rotating discs, prolate and misaligned rotators) rendered on the SAMI grid with a Gaussian PSF.
 */
import type { Rng } from '../../maps/random.ts';
import type { Family, Nuisance, Population } from '../family.ts';
import { drawGalaxyParams, GALAXY_KINDS } from './kinds.ts';
import { type AnalyticGalaxy, simulateGalaxy } from './simulate.ts';

export const analyticFamily: Family & {
  simulate(population: Population, catid: string, nuisance: Nuisance, rng: Rng): AnalyticGalaxy;
} = {
  name: 'analytic',
  kinds: { fast: ['disc'], slow: GALAXY_KINDS.filter((k) => k !== 'disc') },
  simulate(population, catid, nuisance, rng) {
    return simulateGalaxy(drawGalaxyParams(population, catid, rng, nuisance), rng);
  },
};

export {
  drawGalaxyParams,
  GALAXY_KINDS,
  type GalaxyKind,
  type GalaxyParams,
  SLOW_KIND_WEIGHTS,
  V_OVER_SIGMA_RANGES,
} from './kinds.ts';
export {
  type AnalyticGalaxy,
  HEXABUNDLE_RADIUS_ARCSEC,
  SAMI_GRID,
  SIGMA_INSTRUMENT_KMS,
  SN_CUT,
  sersicB,
  simulateGalaxy,
} from './simulate.ts';
