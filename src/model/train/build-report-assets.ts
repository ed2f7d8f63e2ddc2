/**
 * Builds a model folder's report assets (src/formats/report-assets.ts) from the labelled survey it was
 * trained on: the test split's galaxies are the ids metrics.json lists under `test.probabilities`
 * (the split is by galaxy and seeded, src/model/train/split.ts, so these ids are the split), their maps are
 * read back from the survey's FITS files, Moran's I is measured on the velocity crop (src/maps
 * moranOfMap), and Integrated Gradients (Sundararajan et al. 2017; zero baseline, logit) runs on the
 * very input the network reads. Unknown galaxies, when a survey of them is given, get P(fast) at the
 * serving temperature. Used at the end of training (train-run.ts) and by
 * scripts/attach-report-assets.ts for a model folder that predates the assets.
 */
import { dirname, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { type AssetGalaxy, type ReportAssets, writeReportAssets } from '../../formats/report-assets.ts';
import { loadKinematicMap, MAP_SIZE, moranOfMap, preprocessMap } from '../../maps/index.ts';
import { buildModelInput, type InputKind } from '../../maps/model-input.ts';
import { TARGET_PIXEL_SCALE_ARCSEC } from '../../maps/network-grid.ts';
import { type CatalogueRow, readCatalogue } from '../../survey/catalogue.ts';
import { temperatureOf } from '../evaluate/calibration.ts';
import { spaxelAttribution } from '../explain/attribution.ts';
import { integratedGradients } from '../explain/ig.ts';
import { predictMaps } from '../serve/predict.ts';

export interface AssetSurvey {
  /** catalogue.csv of a labelled survey (galspin simulate layout). */
  catalogue: string;
}

export interface BuildAssetsOptions {
  /** metrics.json of the model (modelVersion, test.probabilities, calibration). */
  metrics: Record<string, unknown>;
  /** The survey the model was trained on: its test split is read from here. */
  survey: AssetSurvey;
  /** A survey whose `unknown` galaxies are classified for the unknown-galaxy figures. */
  unknownSurvey?: AssetSurvey;
  /** Unknown galaxies whose maps are stored (the paper's Fig. 7 shows a gallery). Default 12. */
  unknownMaps?: number;
  inputKind: InputKind;
  /** IG quadrature nodes (default src/model IG_DEFAULTS). */
  igSteps?: number;
  onProgress?: (what: string, done: number, total: number) => void;
  /** Words on how the split was checked, for the provenance line. */
  note?: string;
}

interface TestProbability {
  galaxyId: string;
  label: number;
  p: number;
}

const finiteOr = (v: number) => (Number.isFinite(v) ? v : undefined);

async function readPlanes(base: string, row: CatalogueRow, kind: InputKind) {
  const map = await loadKinematicMap(join(base, row.velocityFile), join(base, row.dispersionFile));
  const pre = preprocessMap(map, MAP_SIZE);
  const velocity = Float32Array.from(pre.input, (v, i) => (pre.valid[i] ? v : Number.NaN));
  const sigma = pre.channels?.dispersion;
  const dispersion = Float32Array.from(velocity, (_, i) => (pre.valid[i] && sigma ? sigma[i] : Number.NaN));
  return {
    velocity,
    dispersion,
    input: buildModelInput(map, kind, MAP_SIZE).input,
    moranI: finiteOr(moranOfMap(map).I),
  };
}

/** The report assets of `model`, computed from its training survey (and an unknown-galaxy survey). */
export async function buildReportAssets(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  opts: BuildAssetsOptions,
): Promise<ReportAssets> {
  const metrics = opts.metrics as { modelVersion?: string; test?: { probabilities?: TestProbability[] } };
  const test = metrics.test?.probabilities ?? [];
  if (test.length === 0) throw new Error('metrics.json lists no test-split galaxies (test.probabilities)');
  const rows = new Map((await readCatalogue(opts.survey.catalogue)).map((r) => [r.catid, r]));
  const base = dirname(opts.survey.catalogue);
  const missing = test.filter((t) => !rows.has(t.galaxyId));
  if (missing.length > 0)
    throw new Error(
      `${opts.survey.catalogue}: ${missing.length} of the ${test.length} test galaxies are not in the survey (first ${missing[0].galaxyId})`,
    );

  const out: ReportAssets = {
    modelVersion: String(metrics.modelVersion ?? 'unknown'),
    source: `test split of ${opts.survey.catalogue} (the ${test.length} galaxies metrics.json lists)${opts.note ? `; ${opts.note}` : ''}`,
    size: MAP_SIZE,
    pixelScaleArcsec: TARGET_PIXEL_SCALE_ARCSEC,
    galaxies: [],
    velocity: [],
    dispersion: [],
    attribution: [],
  };
  const inputs: Float32Array[] = [];
  for (const [k, t] of test.entries()) {
    const row = rows.get(t.galaxyId) as CatalogueRow;
    const planes = await readPlanes(base, row, opts.inputKind);
    out.galaxies.push({
      galaxyId: t.galaxyId,
      set: 'test',
      label: t.label === 1 ? 'fast' : 'slow',
      p: t.p,
      moranI: planes.moranI,
      lambdaRe: finiteOr(row.lambdaRe),
      ellipticity: finiteOr(row.ellipticity),
      map: out.velocity.length,
    });
    out.velocity.push(planes.velocity);
    out.dispersion.push(planes.dispersion);
    inputs.push(planes.input);
    opts.onProgress?.('maps', k + 1, test.length);
  }
  const group = 16;
  for (let start = 0; start < inputs.length; start += group) {
    const ig = await integratedGradients(tf, model, inputs.slice(start, start + group), {
      steps: opts.igSteps,
    });
    for (const r of ig) out.attribution.push(spaxelAttribution(r.attribution, MAP_SIZE));
    opts.onProgress?.('IG', Math.min(start + group, inputs.length), inputs.length);
  }

  const unknownRows = opts.unknownSurvey
    ? (await readCatalogue(opts.unknownSurvey.catalogue)).filter((r) => r.label === 'unknown')
    : [];
  if (opts.unknownSurvey && unknownRows.length > 0) {
    const ubase = dirname(opts.unknownSurvey.catalogue);
    const ids: string[] = [];
    const uInputs: Float32Array[] = [];
    const planes: Awaited<ReturnType<typeof readPlanes>>[] = [];
    for (const [k, row] of unknownRows.entries()) {
      const p = await readPlanes(ubase, row, opts.inputKind);
      ids.push(row.catid);
      uInputs.push(p.input);
      planes.push(p);
      opts.onProgress?.('unknown', k + 1, unknownRows.length);
    }
    const preds = await predictMaps(tf, model, uInputs, { temperature: temperatureOf(opts.metrics) });
    // The gallery spans the range of P(fast): evenly spaced ranks of the sorted probabilities.
    const order = preds.map((_, i) => i).sort((a, b) => preds[a].probability - preds[b].probability);
    const nShow = Math.min(opts.unknownMaps ?? 12, order.length);
    const shown = new Set(
      Array.from(
        { length: nShow },
        (_, j) => order[Math.round((j * (order.length - 1)) / Math.max(1, nShow - 1))],
      ),
    );
    ids.forEach((id, i) => {
      const g: AssetGalaxy = {
        galaxyId: id,
        set: 'unknown',
        label: 'unknown',
        p: preds[i].probability,
        moranI: planes[i].moranI,
      };
      if (shown.has(i)) {
        g.map = out.velocity.length;
        out.velocity.push(planes[i].velocity);
        out.dispersion.push(planes[i].dispersion);
      }
      out.galaxies.push(g);
    });
    // IG of the shown unknown galaxies too: the uncertain ones are the report's galaxies of interest.
    const shownIdx = [...shown].sort((a, b) => a - b);
    const ig = await integratedGradients(
      tf,
      model,
      shownIdx.map((i) => uInputs[i]),
      { steps: opts.igSteps },
    );
    for (const r of ig) out.attribution.push(spaxelAttribution(r.attribution, MAP_SIZE));
    out.unknownSource = `unknown-labelled galaxies of ${opts.unknownSurvey.catalogue}, P(fast) at the serving temperature`;
  }
  return out;
}

/** Builds the assets and writes them into the model folder; returns the written paths. */
export async function attachReportAssets(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  modelDir: string,
  opts: BuildAssetsOptions,
): Promise<string[]> {
  return writeReportAssets(modelDir, await buildReportAssets(tf, model, opts));
}
