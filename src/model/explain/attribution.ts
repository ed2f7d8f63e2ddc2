/**
 * Attribution maps for velocity maps, written as files: Integrated Gradients on the logit
 * (./ig.ts) for each preprocessed 40×40 map, saved as
 *
 *   <out>/<galaxyId>.ig.npy   float32 (H, W) — or (H, W, C) per input channel (velocity, dispersion)
 *                             for the two-channel model — logit units, row-major (NumPy: np.load)
 *   <out>/<galaxyId>.ig.fits  primary image BITPIX −32, the per-spaxel sum over channels (completeness
 *                             holds for the sum), same orientation as the input map
 *                             (FITS row r, column c = map row r, column c), the input's celestial WCS
 *                             moved to the crop, BUNIT '' (dimensionless), provenance in the header
 *   <out>/<galaxyId>.ig.png   diverging heatmap centred at zero (red → fast, blue → slow, grey masked),
 *                             row 0 at the bottom: the FITS as ds9 shows it
 *   <out>/explain.json        one summary row per map
 *
 * A positive attribution pushes the decision towards "fast rotator".
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { readFitsFile, writeFits } from '../../fits/index.ts';
import { attributionPng } from '../../formats/heatmap.ts';
import { writeNpyFloat32 } from '../../formats/npy.ts';
import { celestialHdu, croppedWcs, type HeaderCards } from '../../formats/wcs.ts';
import type { PreprocessedMap } from '../../maps/index.ts';
import type { Tf } from './attribution-forward.ts';
import { IG_DEFAULTS, type IgOptions, integratedGradients } from './ig.ts';

export interface ExplainInput {
  file: string;
  map: PreprocessedMap;
}

export interface ExplainOptions extends IgOptions {
  out: string;
  /** Written into FITS headers and explain.json. */
  modelVersion?: string;
  /** Calibration temperature applied to the reported probability (1 = raw). */
  temperature?: number;
  formats?: { npy?: boolean; fits?: boolean; png?: boolean };
  /** Maps per IG call (progress granularity; memory is bounded by `chunk` anyway). */
  group?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ExplainRow {
  file: string;
  galaxyId: string;
  probability: number;
  logit: number;
  baselineLogit: number;
  attributionSum: number;
  completenessGap: number;
  /** Σ of positive and of negative attributions, logit units. */
  positive: number;
  negative: number;
  rule: string;
  steps: number;
  outputs: string[];
}

/** IG per spaxel of an HWC attribution: the sum over input channels (completeness holds for the sum). */
export function spaxelAttribution(attribution: Float32Array, size: number): Float32Array {
  const channels = attribution.length / (size * size);
  if (channels === 1) return attribution;
  const out = new Float32Array(size * size);
  for (let i = 0; i < out.length; i++)
    for (let k = 0; k < channels; k++) out[i] += attribution[i * channels + k];
  return out;
}

/** File-name-safe form of a galaxy id. */
export function safeName(galaxyId: string): string {
  const s = galaxyId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return s.length > 0 ? s.slice(0, 120) : 'galaxy';
}

/** The FITS bytes of one attribution map with its provenance. */
export function attributionFits(
  attribution: Float32Array,
  size: number,
  meta: {
    galaxyId: string;
    row: Omit<ExplainRow, 'outputs' | 'file' | 'galaxyId'>;
    modelVersion?: string;
    /** The input's celestial WCS moved to the attribution grid (src/formats/wcs.ts). */
    wcs?: HeaderCards;
  },
): Uint8Array {
  const r = meta.row;
  return writeFits([
    {
      bitpix: -32,
      shape: [size, size],
      data: attribution,
      extname: 'IG',
      header: {
        IGREF: { value: 'Sundararajan et al. 2017', comment: 'Integrated Gradients, arXiv:1703.01365' },
        // IG of a logit is dimensionless; '' is the unit string astropy (CCDData) reads as such.
        BUNIT: { value: '', comment: 'dimensionless: IG of the model logit' },
        BTYPE: { value: 'IG attribution', comment: 'Integrated Gradients of the logit per spaxel' },
        IGTARGET: { value: 'logit', comment: 'F in IG: the model logit (not P)' },
        ...meta.wcs,
        CATID: { value: meta.galaxyId, comment: 'galaxy id' },
        MODELVER: { value: meta.modelVersion ?? 'unknown', comment: 'model version' },
        BASELINE: { value: 'zero', comment: 'IG baseline x0 = 0' },
        IGRULE: { value: r.rule, comment: 'quadrature rule over alpha in [0,1]' },
        IGSTEPS: { value: r.steps, comment: 'gradient evaluations per map' },
        LOGIT: { value: r.logit, comment: 'F(x), model logit' },
        BASELOGT: { value: r.baselineLogit, comment: 'F(x0), logit of the zero map' },
        IGSUM: { value: r.attributionSum, comment: 'sum of attributions' },
        COMPGAP: { value: r.completenessGap, comment: '|IGSUM-(LOGIT-BASELOGT)|/|LOGIT-BASELOGT|' },
        PFAST: { value: r.probability, comment: 'P(fast)' },
      },
    },
  ]);
}

/**
 * The celestial WCS of the input file on the attribution's grid, so that ds9 and astropy place the
 * attribution on the sky; none when the file has none or cannot be read again.
 */
async function inputWcs(file: string, size: number): Promise<HeaderCards | undefined> {
  try {
    const hdu = celestialHdu(await readFitsFile(file));
    return hdu ? croppedWcs(hdu.header, hdu.naxis[0], hdu.naxis[1], size) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs IG over all maps and writes the files; returns one row per map, in input order. */
export async function explainMaps(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly ExplainInput[],
  opts: ExplainOptions,
): Promise<ExplainRow[]> {
  const rule = opts.rule ?? IG_DEFAULTS.rule;
  const steps = opts.steps ?? IG_DEFAULTS.steps;
  const temperature = opts.temperature ?? 1;
  const formats = { npy: true, fits: true, png: true, ...opts.formats };
  const group = Math.max(1, opts.group ?? 16);
  await mkdir(opts.out, { recursive: true });
  const rows: ExplainRow[] = [];
  const usedNames = new Map<string, number>();
  opts.onProgress?.(0, inputs.length);
  for (let start = 0; start < inputs.length; start += group) {
    const batch = inputs.slice(start, start + group);
    const results = await integratedGradients(
      tf,
      model,
      batch.map((b) => b.map.input),
      { steps: opts.steps, rule, chunk: opts.chunk, tolerance: opts.tolerance, maxSteps: opts.maxSteps },
    );
    for (let i = 0; i < batch.length; i++) {
      const { file, map } = batch[i];
      const ig = results[i];
      let positive = 0;
      let negative = 0;
      for (const a of ig.attribution) {
        if (a > 0) positive += a;
        else negative += a;
      }
      const base = safeName(map.galaxyId);
      const seen = usedNames.get(base) ?? 0;
      usedNames.set(base, seen + 1);
      const stem = join(opts.out, seen === 0 ? `${base}.ig` : `${base}-${seen + 1}.ig`);
      const row: ExplainRow = {
        file,
        galaxyId: map.galaxyId,
        probability: 1 / (1 + Math.exp(-ig.logit / temperature)),
        logit: ig.logit,
        baselineLogit: ig.baselineLogit,
        attributionSum: ig.attributionSum,
        completenessGap: ig.completenessGap,
        positive,
        negative,
        rule,
        steps: ig.steps,
        outputs: [],
      };
      const channels = ig.attribution.length / (map.size * map.size);
      const spaxel = spaxelAttribution(ig.attribution, map.size);
      if (formats.npy) {
        const shape = channels > 1 ? [map.size, map.size, channels] : [map.size, map.size];
        await writeFile(`${stem}.npy`, writeNpyFloat32(ig.attribution, shape));
        row.outputs.push(`${stem}.npy`);
      }
      if (formats.fits) {
        await writeFile(
          `${stem}.fits`,
          attributionFits(spaxel, map.size, {
            galaxyId: map.galaxyId,
            row,
            modelVersion: opts.modelVersion,
            wcs: await inputWcs(file, map.size),
          }),
        );
        row.outputs.push(`${stem}.fits`);
      }
      if (formats.png) {
        await writeFile(`${stem}.png`, attributionPng(spaxel, map.size, map.size, { valid: map.valid }));
        row.outputs.push(`${stem}.png`);
      }
      rows.push(row);
    }
    opts.onProgress?.(Math.min(start + group, inputs.length), inputs.length);
  }
  await writeFile(
    join(opts.out, 'explain.json'),
    `${JSON.stringify({ modelVersion: opts.modelVersion ?? null, rule, steps, baseline: 'zero', target: 'logit', maps: rows }, null, 2)}\n`,
  );
  return rows;
}
