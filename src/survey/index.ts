/** Seeded synthetic SAMI DR3-like surveys: generator families, nuisance, FITS products, labels, audit. */
export { analyticFamily } from './analytic/index.ts';
export {
  drawGalaxyParams,
  GALAXY_KINDS,
  type GalaxyKind,
  type GalaxyParams,
  SLOW_KIND_WEIGHTS,
} from './analytic/kinds.ts';
export { type AnalyticGalaxy, SAMI_GRID, simulateGalaxy } from './analytic/simulate.ts';
export {
  AUDIT_FEATURES,
  type AuditFeatures,
  type AuditResult,
  auditFeaturesOfGalaxy,
  auditFeaturesOfPlanes,
  auditSurvey,
  auditSurveyDir,
} from './audit.ts';
export {
  CATALOGUE_BASE_COLUMNS,
  CATALOGUE_COLUMNS,
  CATALOGUE_NUISANCE_COLUMNS,
  CatalogueError,
  type CatalogueLabel,
  type CatalogueNuisance,
  type CatalogueRow,
  formatCatalogue,
  parseCatalogue,
  parseCsv,
  readCatalogue,
} from './catalogue.ts';
export { familyOf, isGeneratorFamily } from './families.ts';
export {
  type Family,
  GENERATOR_FAMILIES,
  type GeneratorFamily,
  type MockGalaxy,
  type Nuisance,
  type PhotometricTruth,
  type Population,
} from './family.ts';
export {
  generateSurvey,
  MIN_VALID_SPAXELS,
  PAPER_SAMPLE,
  type PlannedGalaxy,
  planSurvey,
  SURVEY_DESIGN,
  type SurveyOptions,
  type SurveySummary,
} from './generate.ts';
export { type GalaxyMeasurement, LABEL_RULE, measureGalaxy, qualityMask } from './measure.ts';
export {
  applySurveyDefects,
  drawNuisance,
  STRESS_DESCRIPTIONS,
  STRESS_PRESETS,
  type StressPreset,
} from './nuisance.ts';
export { encodeDispersionFile, encodeVelocityFile, samiFileNames } from './sami-fits.ts';
