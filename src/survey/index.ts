/** Seeded synthetic SAMI DR3-like survey: physics, FITS products and the labels catalogue. */
export {
  CATALOGUE_COLUMNS,
  CatalogueError,
  type CatalogueLabel,
  type CatalogueRow,
  formatCatalogue,
  parseCatalogue,
  readCatalogue,
} from './catalogue.ts';
export {
  generateSurvey,
  PAPER_SAMPLE,
  planSurvey,
  type SurveyOptions,
  type SurveySummary,
} from './generate.ts';
export {
  drawGalaxyParams,
  GALAXY_KINDS,
  type GalaxyKind,
  type GalaxyParams,
  SLOW_KIND_WEIGHTS,
} from './kinds.ts';
export { type GalaxyMeasurement, LABEL_RULE, measureGalaxy, qualityMask } from './measure.ts';
export { encodeDispersionFile, encodeVelocityFile, samiFileNames } from './samiFits.ts';
export { SAMI_GRID, type SimulatedGalaxy, simulateGalaxy } from './simulate.ts';
