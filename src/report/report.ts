/**
 * `writeReport`: every figure galspin can draw from a model folder (metrics.json, model-card.md) and,
 * optionally, a run's result rows, maps and attributions, written as `DIR/index.html` plus
 * `DIR/figures/*.png|svg`. A figure whose input is missing is listed as not drawn, never faked.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { DEFAULT_THRESHOLDS } from '../config/index.ts';
import { temperatureOf } from '../model/calibration.ts';
import { type AttributionItem, attributionPanelsFigure } from './figures/attribution-panels.ts';
import { confusionMatrixFigure } from './figures/confusion-matrix.ts';
import { type GalleryMap, misclassifiedGalleryFigure } from './figures/misclassified-gallery.ts';
import { type MoranRow, moranHistogramFigure } from './figures/moran-histogram.ts';
import { type MoranExample, moranScatterFigure } from './figures/moran-scatter.ts';
import { probabilityDistributionFigure } from './figures/probability-distribution.ts';
import { reliabilityFigure } from './figures/reliability.ts';
import { rocFigure } from './figures/roc.ts';
import { trainingCurvesFigure } from './figures/training-curves.ts';
import { unknownProbabilityFigure } from './figures/unknown-probabilities.ts';
import { type FigureRef, renderReportHtml } from './html.ts';
import { type InferredOutputs, inferOutputs } from './infer.ts';
import { type Metrics, MetricsError, readMetrics } from './metrics.ts';
import type { Figure } from './render.ts';
import {
  bucketRoot,
  type GalaxyMap,
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

type FigureJob = { name: string; build: () => Promise<Figure | undefined>; missing: string };

/** Loads maps and attributions on demand, once per galaxy. */
class MapCache {
  private readonly velocity = new Map<string, Promise<GalaxyMap | undefined>>();
  constructor(
    private readonly root: string | undefined,
    private readonly modelVersion: string,
    private readonly survey?: SurveySource,
  ) {}
  map(id: string) {
    let p = this.velocity.get(id);
    if (!p) {
      p = (async () =>
        (this.root ? await loadVelocityMap(this.root, id) : undefined) ??
        (this.survey ? await loadSurveyMap(this.survey, id) : undefined))();
      this.velocity.set(id, p);
    }
    return p;
  }
  attribution(id: string) {
    return this.root ? loadAttribution(this.root, this.modelVersion, id) : Promise.resolve(undefined);
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

  const allRows = opts.results ? await readResults(opts.results) : [];
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
  const cache = new MapCache(bucketDir ? bucketRoot(bucketDir) : undefined, metrics.modelVersion, survey);
  const pOf = new Map<string, number>();
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
  const unknown = anyLabels ? classified.filter((r) => r.label === 'unknown') : classified;
  const uncertain = classified
    .filter((r) => (r.probability as number) > thresholds.slow && (r.probability as number) < thresholds.fast)
    .sort((a, b) => Math.abs((a.probability as number) - 0.5) - Math.abs((b.probability as number) - 0.5));

  const gallery = async (ids: readonly string[] = []) => {
    const out: GalleryMap[] = [];
    for (const id of ids) {
      if (out.length >= (opts.maxGallery ?? 12)) break;
      const m = await cache.map(id);
      if (m) out.push({ galaxyId: id, ...m, p: pOf.get(id) });
    }
    return out;
  };

  // Galaxies of interest: misclassified, then the most uncertain, then confident examples.
  const interest = [
    ...(metrics.test.falsePositives ?? []),
    ...(metrics.test.falseNegatives ?? []),
    ...uncertain.map((r) => r.galaxyId),
    ...[...pOf.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id),
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
  const moranExamples = async () => {
    const out: MoranExample[] = [];
    const ranked = [...pOf.entries()].filter(
      ([id]) => labels.get(id) === 'fast' || labels.get(id) === 'slow',
    );
    for (const want of ['fast', 'slow'] as const) {
      const ids = ranked
        .filter(([id]) => labels.get(id) === want)
        .sort((a, b) => (want === 'fast' ? b[1] - a[1] : a[1] - b[1]))
        .map(([id]) => id);
      let n = 0;
      for (const id of ids) {
        if (n >= 2) break;
        const m = await cache.map(id);
        if (m) {
          out.push({ galaxyId: id, ...m, label: want });
          n++;
        }
      }
    }
    return out;
  };

  const jobs: FigureJob[] = [
    { name: 'confusion-matrix', missing: '', build: () => confusionMatrixFigure(metrics.test.confusion) },
    {
      name: 'roc',
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
      missing: 'no test probabilities in metrics.json',
      build: async () =>
        metrics.test.probabilities?.length
          ? probabilityDistributionFigure(metrics.test.probabilities)
          : undefined,
    },
    {
      name: 'misclassified-gallery',
      missing: 'no stored maps for the misclassified test galaxies',
      build: async () => {
        const falsePositives = await gallery(metrics.test.falsePositives);
        const falseNegatives = await gallery(metrics.test.falseNegatives);
        return falsePositives.length + falseNegatives.length
          ? misclassifiedGalleryFigure({ falsePositives, falseNegatives })
          : undefined;
      },
    },
    {
      name: 'unknown-probabilities',
      missing: 'no classified unknown galaxies in the results',
      build: async () =>
        unknown.length
          ? unknownProbabilityFigure({
              probabilities: unknown.map((r) => r.probability as number),
              thresholds,
            })
          : undefined,
    },
    {
      name: 'moran-histogram',
      missing: "no labelled result rows with Moran's I",
      build: async () => {
        const mr: MoranRow[] = classified.flatMap((r) =>
          (r.label === 'fast' || r.label === 'slow') && r.moransI !== undefined
            ? [{ galaxyId: r.galaxyId, label: r.label, moranI: r.moransI }]
            : [],
        );
        if (mr.length === 0 && survey) {
          // No result rows: measure the test split's maps (what the evaluation saw), capped for speed.
          for (const p of (metrics.test.probabilities ?? []).slice(0, 600)) {
            const I = await surveyMoransI(survey, p.galaxyId);
            if (I !== undefined)
              mr.push({ galaxyId: p.galaxyId, label: p.label === 1 ? 'fast' : 'slow', moranI: I });
          }
        }
        return mr.length ? moranHistogramFigure(mr) : undefined;
      },
    },
    {
      name: 'moran-scatter',
      missing: 'no stored maps of labelled galaxies',
      build: async () => {
        const ex = await moranExamples();
        return ex.length ? moranScatterFigure(ex) : undefined;
      },
    },
    {
      name: 'attribution-panels',
      missing: 'no stored maps with attributions',
      build: async () => {
        const items = await panels();
        return items.length ? attributionPanelsFigure(items) : undefined;
      },
    },
    {
      name: 'reliability',
      missing: 'no calibration block in metrics.json',
      build: async () => (metrics.test.calibration ? reliabilityFigure(metrics.test.calibration) : undefined),
    },
    {
      name: 'training-curves',
      missing: 'no training history in metrics.json',
      build: async () => (metrics.history?.length ? trainingCurvesFigure(metrics.history) : undefined),
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
