/** Kinematic maps: survey loaders, the paper's preprocessing and the science measures. */
export {
  DEFAULT_PSF_FWHM_ARCSEC,
  measureSpinEllipticity,
  RE_SCALE,
  type SpinEllipticity,
  type SpinEllipticityFailure,
  type SpinEllipticityOptions,
} from './classical.ts';
export { type Ellipse, ellipticalRadii } from './geometry.ts';
export {
  type Aperture,
  type KinematicMeasures,
  type KinematicPlanes,
  lambdaR,
  measureKinematics,
} from './lambda-r.ts';
export {
  DEFAULT_PIXEL_SCALE_ARCSEC,
  loadKinematicMap,
  loadKinematicMapFromFits,
  MAX_MAP_SIDE,
  type ProductPair,
  pairProductFiles,
  parseSamiFileName,
  pixelScaleArcsec,
  type SamiProductName,
} from './load.ts';
export { type GridWeights, type MoranOptions, type MoranResult, moransI, twoSidedNormalP } from './moran.ts';
export { type MapMoran, moranOfMap } from './moran-of-map.ts';
export {
  cropCentre,
  dedupByGalaxyId,
  MAP_SIZE,
  type PreprocessedMap,
  preprocessMap,
  resamplePlane,
  TARGET_PIXEL_SCALE_ARCSEC,
} from './network-grid.ts';
export { ellipseFromMoments, halfLightRadius } from './photometry.ts';
export {
  type CleanKinematics,
  cleanKinematics,
  OUTLIER_REJECTION,
  rejectOutliers,
  SAMI_QUALITY,
  samiQualityMask,
  systemicVelocity,
} from './quality.ts';
export { deriveSeed, mulberry32, type Rng } from './random.ts';
export { classifyRotator, isBorderline, isSlowRotator, ROTATOR_RULES, type RotatorRule } from './rules.ts';
export { countValid, type KinematicMap, MapError, type MapSurvey } from './types.ts';
