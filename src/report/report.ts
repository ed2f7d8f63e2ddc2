/**
 * `writeReport`: the paper's ten figures (Chegeni et al. 2025, Figs. 1–10) and galspin's own
 * (reliability, λRe–ε plane, training curves, galaxies of interest) from a model folder — metrics.json,
 * model-card.md and its report assets (src/formats/report-assets.ts: the test split's maps, IG and
 * Moran's I, unknown galaxies' P(fast)) — and, optionally, a run's result rows, maps and attributions,
 * written as `DIR/index.html` plus `DIR/figures/*.png|svg`. A figure whose input is missing is listed
 * as not drawn, never faked.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { DEFAULT_THRESHOLDS } from '../config/index.ts';
import { type ReportAssets, ReportAssetsError, readReportAssets } from '../formats/report-assets.ts';
import { TARGET_PIXEL_SCALE_ARCSEC } from '../maps/network-grid.ts';
import { temperatureOf } from '../model/evaluate/calibration.ts';
import { type AttributionItem, attributionPanelsFigure } from './figures/attribution-panels.ts';
import { type CombinedItem, combinedFigure } from './figures/combined.ts';
import { confusionMatrixFigure } from './figures/confusion-matrix.ts';
import { type GalleryMap, galleryFigure } from './figures/gallery.ts';
import { lambdaEpsilonFigure } from './figures/lambda-epsilon.ts';
import { type MoranRow, moranHistogramFigure } from './figures/moran-histogram.ts';
import { probabilityDistributionFigure } from './figures/probability-distribution.ts';
import { reliabilityFigure } from './figures/reliability.ts';
import { rocFigure } from './figures/roc.ts';
import { trainingCurvesFigure } from './figures/training-curves.ts';
import { unknownProbabilityFigure } from './figures/unknown-probabilities.ts';
import { type FigureRef, renderReportHtml } from './html.ts';
import { type InferredOutputs, inferOutputs } from './infer.ts';
import { type Metrics, MetricsError, readMetrics } from './metrics-json.ts';
import type { Figure } from './render.ts';
import {
  bucketRoot,
  type GalaxyMap,
  type IndexOpener,
  loadAttribution,
  loadSurveyMap,
  loadSurveyModelInput,
  loadVelocityMap,
  ReportInputError,
  type ReportLabel,
  readLabels,
  readResults,
  readSurvey,
  type SurveySource,
  surveyMoransI,
} from './sources.ts';

export interface WriteReportOptions {
  /** Model folder (metrics.json, model-card.md) or store root (champion.json); default: the champion of a `results` GALSPIN_HOME. */
  modelDir?: string;
  /** Result rows (file, or folder with results.* and/or a bucket with maps/ and attributions/). */
  results?: string;
  /** Opens a pipeline home's SQLite index when `results` is a GALSPIN_HOME (src/app/home-index.ts). */
  openIndex?: IndexOpener;
  /** Folder holding maps/ and attributions/ when it is not the results folder. */
  bucket?: string;
  /** Catalogue CSV with catid,label (e.g. galspin simulate's catalogue.csv). */
  catalogue?: string;
  /** Labelled survey folder (catalogue.csv + FITS): labels, maps of test galaxies, their Moran's I. */
  survey?: string;
  /**
   * With `survey`: run the model folder's network for what no result rows supply (P(fast) of the
   * survey's unknown galaxies, IG maps of the galaxies of interest). Default false.
   */
  infer?: boolean;
  /** IG quadrature nodes when inferring (default src/model IG_DEFAULTS). */
  igSteps?: number;
  /** Output folder; created if missing. */
  out: string;
  /** Maps per gallery group and galaxies in the attribution panels (default 12 and 6). */
  maxGallery?: number;
  maxPanels?: number;
  thresholds?: { fast: number; slow: number };
  /** Called after each figure: (done, total, name). */
  onProgress?: (done: number, total: number, name: string) => void;
  /** Clock for the page's timestamp (tests pin it). */
  now?: () => Date;
}

export interface ReportResult {
  indexHtml: string;
  figures: string[];
  skipped: { name: string; reason: string }[];
}

/** Paths on the page relative to the working folder when inside it (no home folders in shared reports). */
function shown(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}
const shownOpt = (p: string | undefined) => (p === undefined ? undefined : shown(p));

type FigureJob = {
  name: string;
  build: () => Promise<Figure | undefined>;
  missing: string;
  /** The paper figure (Chegeni et al. 2025) this one reproduces. */
  paper?: number;
};

/** Loads maps and attributions on demand, once per galaxy: a run's bucket, then the model's assets, then a survey. */
class MapCache {
  private readonly velocity = new Map<string, Promise<GalaxyMap | undefined>>();
  private readonly assetIndex = new Map<string, number>();
  constructor(
    private readonly root: string | undefined,
    private readonly modelVersion: string,
    private readonly survey?: SurveySource,
    private readonly assets?: ReportAssets,
  ) {
    for (const g of assets?.galaxies ?? []) if (g.map !== undefined) this.assetIndex.set(g.galaxyId, g.map);
  }
  private assetPlane(id: string, planes: Float32Array[] | undefined): GalaxyMap | undefined {
    const k = this.assetIndex.get(id);
    const values = k === undefined ? undefined : planes?.[k];
    if (!values?.some(Number.isFinite)) return undefined;
    const size = this.assets?.size as number;
    return {
      width: size,
      height: size,
      values,
      valid: Uint8Array.from(values, (v) => (Number.isFinite(v) ? 1 : 0)),
    };
  }
  map(id: string) {
    let p = this.velocity.get(id);
    if (!p) {
      p = (async () =>
        (this.root ? await loadVelocityMap(this.root, id) : undefined) ??
        this.assetPlane(id, this.assets?.velocity) ??
        (this.survey ? await loadSurveyMap(this.survey, id) : undefined))();
      this.velocity.set(id, p);
    }
    return p;
  }
  async attribution(id: string) {
    return (
      (this.root ? await loadAttribution(this.root, this.modelVersion, id) : undefined) ??
      this.assetPlane(id, this.assets?.attribution)
    );
  }
}

/** A model folder, or a model store root (`champion.json` → `<root>/<version>/`): the champion's folder. */
export async function resolveReportModelDir(path: string): Promise<string> {
  if (existsSync(join(path, 'metrics.json')) || !existsSync(join(path, 'champion.json'))) return path;
  const { FolderModelStore } = await import('../model/store.ts');
  const version = await new FolderModelStore(path).champion();
  if (!version) throw new ReportInputError(`${join(path, 'champion.json')}: names no model version`);
  return join(path, version);
}

/** The champion store of an embedded pipeline home (`<home>/bucket/models`), when `results` is one. */
export function homeModelStore(results: string | undefined): string | undefined {
  if (!results || !existsSync(results) || !statSync(results).isDirectory()) return undefined;
  const store = join(bucketRoot(results), 'models');
  return existsSync(join(store, 'champion.json')) ? store : undefined;
}

export async function writeReport(options: WriteReportOptions): Promise<ReportResult> {
  const modelDir = options.modelDir ?? homeModelStore(options.results);
  if (!modelDir)
    throw new ReportInputError(
      'no model folder: pass one, or results from a GALSPIN_HOME with bucket/models/champion.json',
    );
  const opts = { ...options, modelDir: await resolveReportModelDir(modelDir) };
  const metricsFile = join(opts.modelDir, 'metrics.json');
  if (!existsSync(metricsFile))
    throw new ReportInputError(`${metricsFile}: no metrics.json in the model folder`);
  const metrics: Metrics = await readMetrics(metricsFile);
  const cardFile = join(opts.modelDir, 'model-card.md');
  const modelCard = existsSync(cardFile) ? await readFile(cardFile, 'utf8') : undefined;
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const assets = await readReportAssets(opts.modelDir).catch((err: Error) => {
    throw err instanceof ReportAssetsError ? new ReportInputError(err.message) : err;
  });
  // Assets of another model (a folder copied by hand) would draw someone else's galaxies.
  if (assets && assets.modelVersion !== metrics.modelVersion)
    throw new ReportInputError(
      `${opts.modelDir}: report assets belong to ${assets.modelVersion}, metrics.json to ${metrics.modelVersion}`,
    );
  const assetTest = assets?.galaxies.filter((g) => g.set === 'test') ?? [];
  const assetUnknown = assets?.galaxies.filter((g) => g.set === 'unknown') ?? [];
  const arcsec = assets?.pixelScaleArcsec ?? TARGET_PIXEL_SCALE_ARCSEC;

  const allRows = opts.results ? await readResults(opts.results, opts.openIndex) : [];
  // Rows of the reported model only, when versions are recorded.
  const rows = allRows.filter((r) => r.modelVersion === undefined || r.modelVersion === metrics.modelVersion);
  const labels = new Map<string, ReportLabel>();
  for (const p of metrics.test.probabilities ?? []) labels.set(p.galaxyId, p.label === 1 ? 'fast' : 'slow');
  for (const r of rows) if (r.label) labels.set(r.galaxyId, r.label);
  const survey = opts.survey ? await readSurvey(opts.survey) : undefined;
  if (survey) for (const [id, l] of survey.labels) labels.set(id, l);
  if (opts.catalogue) for (const [id, l] of await readLabels(opts.catalogue)) labels.set(id, l);
  for (const r of rows) r.label = r.label ?? labels.get(r.galaxyId);

  const bucketDir =
    opts.bucket ?? (opts.results && statSync(opts.results).isDirectory() ? opts.results : undefined);
  const cache = new MapCache(
    bucketDir ? bucketRoot(bucketDir) : undefined,
    metrics.modelVersion,
    survey,
    assets,
  );
  const pOf = new Map<string, number>();
  for (const g of assets?.galaxies ?? []) {
    pOf.set(g.galaxyId, g.p);
    if (!labels.has(g.galaxyId)) labels.set(g.galaxyId, g.label);
  }
  for (const p of metrics.test.probabilities ?? []) pOf.set(p.galaxyId, p.p);
  for (const r of rows) if (r.probability !== undefined) pOf.set(r.galaxyId, r.probability);

  let inferred: InferredOutputs | undefined;
  if (opts.infer && survey && existsSync(join(opts.modelDir, 'model.json'))) {
    const known = new Set(rows.map((r) => r.galaxyId));
    const classify = new Map<string, GalaxyMap>();
    for (const [id, l] of survey.labels) {
      if (l !== 'unknown' || known.has(id) || classify.size >= 5000) continue;
      const m = await cache.map(id);
      if (m) classify.set(id, m);
    }
    const explain = new Map<string, GalaxyMap>();
    const candidates = [
      ...(metrics.test.falsePositives ?? []),
      ...(metrics.test.falseNegatives ?? []),
      ...[...pOf.entries()].sort((a, b) => Math.abs(a[1] - 0.5) - Math.abs(b[1] - 0.5)).map(([id]) => id),
    ];
    const extremes = [...pOf.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const wanted = [
      ...new Set([...candidates.slice(0, 4), extremes[0], extremes[extremes.length - 1], ...candidates]),
    ];
    for (const id of wanted) {
      if (id === undefined || explain.size >= (opts.maxPanels ?? 6)) continue;
      const m = await cache.map(id);
      if (m && !(await cache.attribution(id))) explain.set(id, m);
    }
    const surveyForInputs = survey;
    inferred = await inferOutputs({
      modelDir: opts.modelDir,
      // the serving temperature (cross-generator when the model has one), as predict uses
      temperature: temperatureOf(metrics as unknown as Record<string, unknown>),
      inputOf: (id, kind) => loadSurveyModelInput(surveyForInputs, id, kind),
      classify,
      explain,
      igSteps: opts.igSteps,
    });
    for (const [id, p] of inferred.probabilities) {
      const cls = p >= thresholds.fast ? 'fast' : p <= thresholds.slow ? 'slow' : 'uncertain';
      rows.push({
        galaxyId: id,
        status: 'CLASSIFIED',
        probability: p,
        class: cls,
        label: 'unknown',
        modelVersion: metrics.modelVersion,
      });
      pOf.set(id, p);
    }
  }

  const classified = rows.filter((r) => r.status === 'CLASSIFIED' && r.probability !== undefined);
  const anyLabels = classified.some((r) => r.label === 'fast' || r.label === 'slow' || r.label === 'unknown');
  const unknownRows = anyLabels ? classified.filter((r) => r.label === 'unknown') : classified;
  // Without a run's results, the model folder's own unknown galaxies (src/formats/report-assets.ts).
  const fromAssets = classified.length === 0 && assetUnknown.length > 0;
  const unknown = fromAssets
    ? assetUnknown.map((g) => ({
        galaxyId: g.galaxyId,
        status: 'CLASSIFIED',
        probability: g.p,
        moransI: g.moranI,
        label: 'unknown' as const,
      }))
    : unknownRows;
  const uncertainPool = fromAssets ? unknown : classified;
  const uncertain = uncertainPool
    .filter((r) => (r.probability as number) > thresholds.slow && (r.probability as number) < thresholds.fast)
    .sort((a, b) => Math.abs((a.probability as number) - 0.5) - Math.abs((b.probability as number) - 0.5));

  const gallery = async (ids: readonly string[] = [], max = opts.maxGallery ?? 12) => {
    const out: GalleryMap[] = [];
    for (const id of ids) {
      if (out.length >= max) break;
      const m = await cache.map(id);
      if (m) out.push({ galaxyId: id, ...m, p: pOf.get(id) });
    }
    return out;
  };

  // Galaxies of interest: misclassified, then the most uncertain (confident examples are Figs. 9–10).
  const interest = [
    ...(metrics.test.falsePositives ?? []),
    ...(metrics.test.falseNegatives ?? []),
    ...uncertain.map((r) => r.galaxyId),
  ];
  const panels = async () => {
    const items: AttributionItem[] = [];
    for (const id of new Set(interest)) {
      if (items.length >= (opts.maxPanels ?? 6)) break;
      const m = await cache.map(id);
      const stored = await cache.attribution(id);
      const fresh = inferred?.attributions.get(id);
      const a = stored ?? (fresh && m ? { width: m.width, height: m.height, values: fresh } : undefined);
      if (!m || !a || a.width !== m.width || a.height !== m.height || a.values.length !== m.values.length)
        continue;
      items.push({
        galaxyId: id,
        width: m.width,
        height: m.height,
        velocity: m.values,
        valid: m.valid,
        attribution: a.values,
        p: pOf.get(id),
        label: labels.get(id),
      });
    }
    return items;
  };
  /** Paper Figs. 9–10: correctly classified test galaxies of one class, the most confident first. */
  const combinedItems = async (want: 'fast' | 'slow', n = 2) => {
    const out: CombinedItem[] = [];
    const threshold = metrics.test.threshold ?? 0.5;
    const ids = [...pOf.entries()]
      .filter(([id, p]) => labels.get(id) === want && (want === 'fast' ? p >= threshold : p < threshold))
      .sort((a, b) => (want === 'fast' ? b[1] - a[1] : a[1] - b[1]))
      .map(([id]) => id);
    for (const id of ids) {
      if (out.length >= n) break;
      const m = await cache.map(id);
      const a = await cache.attribution(id);
      if (!m || !a || a.values.length !== m.values.length) continue;
      out.push({
        galaxyId: id,
        width: m.width,
        height: m.height,
        velocity: m.values,
        valid: m.valid,
        attribution: a.values,
        label: want,
        p: pOf.get(id),
      });
    }
    return out;
  };
  /**
   * Paper Figs. 4–5. When the test split has none of a kind, the nearest misses (true class, P closest
   * to the wrong side) are drawn instead, and the title says so.
   */
  const misclassified = async (kind: 'fp' | 'fn') => {
    const ids = (kind === 'fp' ? metrics.test.falsePositives : metrics.test.falseNegatives) ?? [];
    const truth = kind === 'fp' ? 'slow' : 'fast';
    const called = kind === 'fp' ? 'fast' : 'slow';
    const nTruth = (metrics.test.probabilities ?? []).filter(
      (p) => (p.label === 1 ? 'fast' : 'slow') === truth,
    ).length;
    const name = kind === 'fp' ? 'false-positives' : 'false-negatives';
    const head = kind === 'fp' ? 'False positives' : 'False negatives';
    if (ids.length > 0) {
      const maps = await gallery(ids);
      return maps.length
        ? galleryFigure({
            name,
            title: `${head}: true ${truth}, predicted ${called} (${ids.length} of ${nTruth})`,
            caption: `Velocity maps of the ${truth} test galaxies the model called ${called}.`,
            maps,
            arcsecPerSpaxel: arcsec,
          })
        : undefined;
    }
    const near = (metrics.test.probabilities ?? [])
      .filter((p) => (p.label === 1 ? 'fast' : 'slow') === truth)
      .sort((a, b) => (kind === 'fp' ? b.p - a.p : a.p - b.p))
      .map((p) => p.galaxyId);
    const maps = await gallery(near, 6);
    return maps.length
      ? galleryFigure({
          name,
          title: `${head}: none (0 of ${nTruth} ${truth} test galaxies called ${called})`,
          subtitle: `the ${maps.length} ${truth} galaxies nearest to being called ${called} instead`,
          caption: `No ${truth} test galaxy was called ${called}; the nearest misses are shown instead.`,
          maps,
          arcsecPerSpaxel: arcsec,
        })
      : undefined;
  };

  const moranRows = async (): Promise<MoranRow[]> => {
    const mr: MoranRow[] = classified.flatMap((r) =>
      (r.label === 'fast' || r.label === 'slow') && r.moransI !== undefined
        ? [{ galaxyId: r.galaxyId, label: r.label, moranI: r.moransI }]
        : [],
    );
    if (mr.length === 0)
      for (const g of assetTest)
        if ((g.label === 'fast' || g.label === 'slow') && g.moranI !== undefined)
          mr.push({ galaxyId: g.galaxyId, label: g.label, moranI: g.moranI });
    if (mr.length === 0 && survey) {
      // No result rows: measure the test split's maps (what the evaluation saw), capped for speed.
      for (const p of (metrics.test.probabilities ?? []).slice(0, 600)) {
        const I = await surveyMoransI(survey, p.galaxyId);
        if (I !== undefined)
          mr.push({ galaxyId: p.galaxyId, label: p.label === 1 ? 'fast' : 'slow', moranI: I });
      }
    }
    return mr;
  };

  const jobs: FigureJob[] = [
    {
      name: 'confusion-matrix',
      paper: 1,
      missing: '',
      build: () => confusionMatrixFigure(metrics.test.confusion),
    },
    {
      name: 'roc',
      paper: 2,
      missing: 'no ROC points in metrics.json',
      build: async () =>
        metrics.test.roc?.length && metrics.test.auc !== undefined
          ? rocFigure({
              roc: metrics.test.roc,
              auc: metrics.test.auc,
              nNegative: metrics.test.confusion.tn + metrics.test.confusion.fp,
            })
          : undefined,
    },
    {
      name: 'probability-distribution',
      paper: 3,
      missing: 'no test probabilities in metrics.json',
      build: async () =>
        metrics.test.probabilities?.length
          ? probabilityDistributionFigure(metrics.test.probabilities)
          : undefined,
    },
    {
      name: 'false-positives',
      paper: 4,
      missing:
        'no maps of the slow test galaxies (no report assets in the model folder, no --results or --survey)',
      build: () => misclassified('fp'),
    },
    {
      name: 'false-negatives',
      paper: 5,
      missing:
        'no maps of the fast test galaxies (no report assets in the model folder, no --results or --survey)',
      build: () => misclassified('fn'),
    },
    {
      name: 'unknown-probabilities',
      paper: 6,
      missing: 'no unknown galaxies: none in the model folder and no pipeline results loaded',
      build: async () =>
        unknown.length
          ? unknownProbabilityFigure({
              probabilities: unknown.map((r) => r.probability as number),
              thresholds,
            })
          : undefined,
    },
    {
      name: 'unknown-gallery',
      paper: 7,
      missing: 'no maps of unknown galaxies',
      build: async () => {
        // Evenly spaced in P(fast), from most slow-like to most fast-like, as the paper's Fig. 7 spans it.
        const sorted = [...unknown].sort((a, b) => (a.probability as number) - (b.probability as number));
        const withMaps: string[] = [];
        for (const r of sorted) if (await cache.map(r.galaxyId)) withMaps.push(r.galaxyId);
        const n = Math.min(12, withMaps.length);
        const picks = Array.from(
          { length: n },
          (_, j) => withMaps[Math.round((j * (withMaps.length - 1)) / Math.max(1, n - 1))],
        );
        const maps = await gallery([...new Set(picks)]);
        return maps.length
          ? galleryFigure({
              name: 'unknown-gallery',
              title: 'Unknown galaxies: velocity maps with the CNN probability',
              subtitle: 'P(fast) above each map, evenly spaced from the lowest to the highest',
              caption:
                'Velocity maps of galaxies without a fast/slow flag, with the P(fast) the model gives them.',
              maps,
              arcsecPerSpaxel: arcsec,
            })
          : undefined;
      },
    },
    {
      name: 'moran-histogram',
      paper: 8,
      missing: "no Moran's I of labelled galaxies (no report assets, result rows or survey)",
      build: async () => {
        const mr = await moranRows();
        return mr.length ? moranHistogramFigure(mr) : undefined;
      },
    },
    {
      name: 'combined-fast',
      paper: 9,
      missing: 'no fast test galaxies with maps and attributions',
      build: async () => {
        const items = await combinedItems('fast');
        return items.length
          ? combinedFigure('combined-fast', 'Fast rotators predicted correctly', items, arcsec)
          : undefined;
      },
    },
    {
      name: 'combined-slow',
      paper: 10,
      missing: 'no slow test galaxies with maps and attributions',
      build: async () => {
        const items = await combinedItems('slow');
        return items.length
          ? combinedFigure('combined-slow', 'Slow rotators predicted correctly', items, arcsec)
          : undefined;
      },
    },
    {
      name: 'reliability',
      missing: 'no calibration block in metrics.json',
      build: async () => (metrics.test.calibration ? reliabilityFigure(metrics.test.calibration) : undefined),
    },
    {
      name: 'lambda-epsilon',
      missing: 'no λRe and ε of the test galaxies (report assets)',
      build: async () => {
        const pts = assetTest.flatMap((g) =>
          g.lambdaRe !== undefined &&
          g.ellipticity !== undefined &&
          (g.label === 'fast' || g.label === 'slow')
            ? [{ galaxyId: g.galaxyId, lambdaRe: g.lambdaRe, ellipticity: g.ellipticity, label: g.label }]
            : [],
        );
        return pts.length ? lambdaEpsilonFigure(pts) : undefined;
      },
    },
    {
      name: 'attribution-panels',
      missing: 'no stored maps with attributions for misclassified or uncertain galaxies',
      build: async () => {
        const items = await panels();
        return items.length ? attributionPanelsFigure(items, arcsec) : undefined;
      },
    },
    {
      name: 'training-curves',
      missing: 'no training history in metrics.json',
      build: async () =>
        metrics.history?.length
          ? trainingCurvesFigure(
              metrics.history,
              (metrics as { training?: { bestEpoch?: number } }).training?.bestEpoch,
            )
          : undefined,
    },
  ];

  const figDir = join(opts.out, 'figures');
  await mkdir(figDir, { recursive: true });
  const refs: FigureRef[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const written: string[] = [];
  let done = 0;
  for (const job of jobs) {
    let fig: Figure | undefined;
    try {
      fig = await job.build();
    } catch (err) {
      if (err instanceof ReportInputError || err instanceof MetricsError) throw err;
      skipped.push({ name: job.name, reason: (err as Error).message });
    }
    if (fig) {
      await writeFile(join(figDir, `${fig.name}.png`), fig.png);
      written.push(join(figDir, `${fig.name}.png`));
      if (fig.svg) {
        await writeFile(join(figDir, `${fig.name}.svg`), fig.svg);
        written.push(join(figDir, `${fig.name}.svg`));
      }
      refs.push({
        name: fig.name,
        paper: job.paper,
        caption: fig.caption,
        png: `figures/${fig.name}.png`,
        svg: fig.svg ? `figures/${fig.name}.svg` : undefined,
        cssWidth: fig.cssWidth,
        cssHeight: fig.cssHeight,
      });
    } else if (!skipped.some((s) => s.name === job.name)) {
      skipped.push({ name: job.name, reason: job.missing });
    }
    opts.onProgress?.(++done, jobs.length, job.name);
  }

  const statusCounts = allRows.length
    ? allRows.reduce<Record<string, number>>((acc, r) => {
        acc[r.status] = (acc[r.status] ?? 0) + 1;
        return acc;
      }, {})
    : undefined;
  const html = renderReportHtml({
    metrics,
    modelCard,
    figures: refs,
    skipped,
    uncertain: uncertain.slice(0, 50),
    uncertainTotal: uncertain.length,
    uncertainSource:
      classified.length > 0 ? 'results' : fromAssets ? 'the model folder’s unknown galaxies' : undefined,
    statusCounts,
    generatedAt: (opts.now ?? (() => new Date()))().toISOString(),
    inputs: {
      model: shown(opts.modelDir),
      results: shownOpt(opts.results ?? opts.survey),
      catalogue: shownOpt(opts.catalogue),
    },
  });
  const indexHtml = join(opts.out, 'index.html');
  await mkdir(dirname(indexHtml), { recursive: true });
  await writeFile(indexHtml, html);
  return { indexHtml, figures: written, skipped };
}
