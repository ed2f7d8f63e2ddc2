/** Moved to ./analytic/simulate.ts (the analytic generator family); re-exported for older imports. */
import type { MockGalaxy } from './family.ts';

export {
  type AnalyticGalaxy,
  HEXABUNDLE_RADIUS_ARCSEC,
  SAMI_GRID,
  SIGMA_INSTRUMENT_KMS,
  SN_CUT,
  sersicB,
  simulateGalaxy,
} from './analytic/simulate.ts';

/** A rendered mock of any family (the former analytic-only SimulatedGalaxy). */
export type SimulatedGalaxy = MockGalaxy;
