import { type GridWeights, type MoranResult, moransI } from './moran.ts';
import { MAP_SIZE, preprocessMap } from './network-grid.ts';
import type { KinematicMap } from './types.ts';

export interface MapMoran extends MoranResult {
  galaxyId: string;
  survey: KinematicMap['survey'];
  /** 'crop40': the network's 40 × 40 input (valid spaxels only); 'full': the whole map. */
  region: 'crop40' | 'full';
  weights: GridWeights;
}

/**
 * Global Moran's I of a velocity map, over valid spaxels only (NaN → 0 padding would inflate I).
 * By default on the centred 40 × 40 crop the classifier sees, as in Chegeni et al. 2025, Sect. 4.
 */
export function moranOfMap(
  map: KinematicMap,
  opts: { weights?: GridWeights; permutations?: number; seed?: number; region?: 'crop40' | 'full' } = {},
): MapMoran {
  const weights = opts.weights ?? 'rook';
  const region = opts.region ?? 'crop40';
  const base = { weights, permutations: opts.permutations, seed: opts.seed };
  const result =
    region === 'full'
      ? moransI(map.velocity, map.valid, map.width, map.height, base)
      : (() => {
          const pre = preprocessMap(map, MAP_SIZE);
          return moransI(pre.input, pre.valid, MAP_SIZE, MAP_SIZE, base);
        })();
  return { ...result, galaxyId: map.galaxyId, survey: map.survey, region, weights };
}
