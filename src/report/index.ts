/**
 * galspin's figures and HTML report. `writeReport` is what `galspin report` and the local
 * `galspin run` call; each figure function takes one data input and returns PNG (+ SVG) bytes.
 */

export { type Colormap, DIVERGING } from '../formats/colormap.ts';
export { colourBarPng, mapToPng } from '../formats/raster.ts';
export { type AttributionItem, attributionPanelsFigure } from './figures/attribution-panels.ts';
export { type CombinedItem, combinedFigure } from './figures/combined.ts';
export { confusionMatrixFigure } from './figures/confusion-matrix.ts';
export { type GalleryInput, type GalleryMap, galleryFigure } from './figures/gallery.ts';
export { type LambdaEpsilonPoint, lambdaEpsilonFigure } from './figures/lambda-epsilon.ts';
export { type MoranRow, moranHistogramFigure } from './figures/moran-histogram.ts';
export { type MoranExample, moranScatterFigure } from './figures/moran-scatter.ts';
export { probabilityDistributionFigure } from './figures/probability-distribution.ts';
export { reliabilityFigure } from './figures/reliability.ts';
export { type RocInput, rocFigure } from './figures/roc.ts';
export { trainingCurvesFigure } from './figures/training-curves.ts';
export {
  thresholdCounts,
  type UnknownProbabilityInput,
  unknownProbabilityFigure,
} from './figures/unknown-probabilities.ts';
export { type Metrics, MetricsError, parseMetrics, readMetrics } from './metrics-json.ts';
export { type Figure, FigureError } from './render.ts';
export { type ReportResult, resolveReportModelDir, type WriteReportOptions, writeReport } from './report.ts';
export { ReportInputError } from './sources.ts';
