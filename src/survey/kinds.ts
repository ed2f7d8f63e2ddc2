/** Moved to ./analytic/kinds.ts (the analytic generator family); re-exported for older imports. */
export {
  drawGalaxyParams,
  GALAXY_KINDS,
  type GalaxyKind,
  type GalaxyParams,
  SLOW_KIND_WEIGHTS,
  V_OVER_SIGMA_RANGES,
} from './analytic/kinds.ts';
