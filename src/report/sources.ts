/**
 * Where the report's data comes from, read leniently so that a report can be made from whatever a
 * run left behind:
 * - result rows: a `galspin query --format json|jsonl|csv` export, or a folder holding one
 *   (`results.jsonl|json|csv`), in the ResultRow shape of src/config/rows.ts;
 * - maps and attributions: a bucket folder (the embedded pipeline's `<GALSPIN_HOME>/bucket`, or any
 *   folder with `maps/` and `attributions/<modelVersion>/`), maps as `maps/<id>.bin` (src/pipeline
 *   map codec) or `maps/<id>.npy`, attributions as `.npy` (float32, 40×40, or 40×40×C per input
 *   channel, summed per spaxel; row-major);
 * - labels: a catalogue CSV with `catid` (or `galaxyId`) and `label` columns (galspin simulate writes one).
 */

import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LIMITS } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import { CsvError, parseCsvTable } from '../formats/csv.ts';
import { parseNpy } from '../formats/npy.ts';
import type { InputKind } from '../maps/model-input.ts';
import type { ResultIndex } from '../ports/storage.ts';

export type ReportLabel = 'fast' | 'slow' | 'unknown';

/** One galaxy's outcome, normalised from a ResultRow (or an older/looser export). */
export interface ReportRow {
  galaxyId: string;
  modelVersion?: string;
  status: string;
  probability?: number;
  class?: string;
  /** MC-dropout spread of P(fast). */
  std?: number;
  moransI?: number;
  lambdaRe?: number;
  label?: ReportLabel;
  reason?: string;
}

export class ReportInputError extends PermanentInputError {
  override name = 'ReportInputError';
}

const RESULT_FILES = ['results.jsonl', 'results.json', 'results.csv'];

function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function labelOf(v: unknown): ReportLabel | undefined {
  if (v === 1 || v === '1') return 'fast';
  if (v === 0 || v === '0') return 'slow';
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return s === 'fast' || s === 'slow' || s === 'unknown' ? s : undefined;
}

/** Normalises one row object (JSON or CSV, nested or flattened uncertainty). */
export function normaliseRow(o: Record<string, unknown>): ReportRow | undefined {
  const galaxyId = o.galaxyId ?? o.galaxy_id ?? o.catid;
  if (galaxyId === undefined || galaxyId === '') return undefined;
  const unc = (o.uncertainty ?? {}) as Record<string, unknown>;
  return {
    galaxyId: String(galaxyId),
    modelVersion:
      (o.modelVersion ?? o.model_version) === undefined
        ? undefined
        : String(o.modelVersion ?? o.model_version),
    status: String(o.status ?? (o.probability !== undefined ? 'CLASSIFIED' : 'UNKNOWN')),
    probability: num(o.probability ?? o.p_fast ?? o.p),
    class: o.class === undefined || o.class === '' ? undefined : String(o.class),
    std: num(unc.std ?? o.uncertaintyStd ?? o.p_fast_std ?? o['uncertainty.std'] ?? o.std),
    moransI: num(o.moransI ?? o.moranI ?? o.moran_i ?? o.morans_i),
    lambdaRe: num(o.lambdaRe ?? o.lambda_re),
    label: labelOf(o.label ?? o.truth),
    reason: o.reason === undefined || o.reason === '' ? undefined : String(o.reason),
  };
}

/** CSV rows keyed by the header (the shared CSV library, src/formats/csv.ts). */
export function parseCsv(text: string, file = '<csv>'): Record<string, string>[] {
  try {
    return parseCsvTable(text, file).rows.map((r) => r.cells);
  } catch (err) {
    if (err instanceof CsvError) throw new ReportInputError(err.message);
    throw err;
  }
}

async function readLimited(file: string, limit: number): Promise<string> {
  const size = statSync(file).size;
  if (size > limit) throw new ReportInputError(`${file}: ${size} bytes exceeds the ${limit}-byte limit`);
  return readFile(file, 'utf8');
}

/** Parses result rows from text; the format follows the file suffix (.jsonl, .json, .csv). */
export function parseResults(text: string, file: string): ReportRow[] {
  let objects: Record<string, unknown>[];
  try {
    if (file.endsWith('.csv')) objects = parseCsv(text, file);
    else if (file.endsWith('.jsonl') || file.endsWith('.ndjson')) {
      objects = text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
    } else {
      const json = JSON.parse(text);
      objects = Array.isArray(json) ? json : (json.rows ?? json.items ?? json.results ?? []);
    }
  } catch (err) {
    throw new ReportInputError(`${file}: cannot parse results (${(err as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(objects)) throw new ReportInputError(`${file}: expected an array of result rows`);
  return objects.flatMap((o) => {
    const r = o && typeof o === 'object' ? normaliseRow(o) : undefined;
    return r ? [r] : [];
  });
}

/**
 * Opens an embedded home's SQLite index. The report reads through the ResultIndex port; the
 * composition root that calls it supplies the adapter (src/app/home-index.ts).
 */
export type IndexOpener = (sqliteFile: string) => ResultIndex & { close(): void };

/** Every result row of an embedded pipeline's SQLite index (`<GALSPIN_HOME>/index.sqlite`). */
export async function readIndexRows(sqliteFile: string, openIndex: IndexOpener): Promise<ReportRow[]> {
  const index = openIndex(sqliteFile);
  const out: ReportRow[] = [];
  try {
    for (const status of ['CLASSIFIED', 'REJECTED', 'FAILED'] as const) {
      let cursor: string | undefined;
      do {
        const page = await index.queryResultsByStatus({ status, limit: 1000, cursor });
        for (const row of page.items) {
          const r = normaliseRow(row as unknown as Record<string, unknown>);
          if (r) out.push(r);
        }
        cursor = page.cursor;
      } while (cursor);
    }
  } finally {
    index.close();
  }
  return out;
}

/**
 * Result rows from a file; from a folder: `results.{jsonl,json,csv}` if present, else the embedded
 * pipeline's `galspin.sqlite` or `index.sqlite` (a GALSPIN_HOME folder), else none.
 */
export async function readResults(fileOrDir: string, openIndex?: IndexOpener): Promise<ReportRow[]> {
  if (!existsSync(fileOrDir)) throw new ReportInputError(`${fileOrDir}: no such file or folder`);
  let file = fileOrDir;
  if (statSync(fileOrDir).isDirectory()) {
    const found = RESULT_FILES.map((f) => join(fileOrDir, f)).find(existsSync);
    if (!found) {
      // galspin.sqlite: queues + index of `galspin run` (src/app/embedded-ports.ts); index.sqlite: index only.
      const sqlite = ['galspin.sqlite', 'index.sqlite'].map((f) => join(fileOrDir, f)).find(existsSync);
      if (sqlite && !openIndex)
        throw new ReportInputError(
          `${sqlite}: reading a pipeline home needs an index opener (galspin report supplies one)`,
        );
      return sqlite && openIndex ? readIndexRows(sqlite, openIndex) : [];
    }
    file = found;
  }
  return parseResults(await readLimited(file, LIMITS.maxCatalogBytes * 4), file);
}

/** Labels by galaxy id from a catalogue CSV (`catid`|`galaxyId`, `label`). */
export async function readLabels(file: string): Promise<Map<string, ReportLabel>> {
  if (!existsSync(file)) throw new ReportInputError(`${file}: no such catalogue`);
  const rows = parseCsv(await readLimited(file, LIMITS.maxCatalogBytes), file);
  const out = new Map<string, ReportLabel>();
  for (const r of rows) {
    const id = r.catid ?? r.galaxyId ?? r.galaxy_id;
    const label = labelOf(r.label);
    if (id && label) out.set(id, label);
  }
  if (rows.length > 0 && out.size === 0) throw new ReportInputError(`${file}: no catid/label columns`);
  return out;
}

/** A 2-D map for drawing: NaN where not valid. */
export interface GalaxyMap {
  width: number;
  height: number;
  values: Float32Array;
  valid?: Uint8Array;
}

/** Bucket folder root for maps and attributions: `<dir>/bucket` when it exists, else `<dir>`. */
export function bucketRoot(dir: string): string {
  const inner = join(dir, 'bucket');
  return existsSync(inner) && statSync(inner).isDirectory() ? inner : dir;
}

function squareFromNpy(bytes: Uint8Array, file: string): GalaxyMap {
  const a = parseNpy(bytes, file);
  if (a.shape.length === 3) {
    // (H, W, C): the two-channel model's IG per input channel; the map shows the per-spaxel sum,
    // for which completeness holds (as the worker's PNG does).
    const [h, w, c] = a.shape;
    if (h * w * c !== a.data.length) throw new ReportInputError(`${file}: shape does not match its data`);
    const values = new Float32Array(h * w);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) values[i] += a.data[i * c + k];
    return { width: w, height: h, values };
  }
  const [h, w] = a.shape.length === 2 ? a.shape : [Math.sqrt(a.data.length), Math.sqrt(a.data.length)];
  if (!Number.isInteger(w) || w * h !== a.data.length) throw new ReportInputError(`${file}: not a 2-D map`);
  return { width: w, height: h, values: Float32Array.from(a.data) };
}

/**
 * Reads `maps/<id>.bin` (GSPM map codec: magic, version, JSON meta, float32 input, valid bytes)
 * or `maps/<id>.npy`; masked spaxels become NaN so they draw grey rather than as zero velocity.
 */
export async function loadVelocityMap(root: string, galaxyId: string): Promise<GalaxyMap | undefined> {
  const bin = join(root, 'maps', `${galaxyId}.bin`);
  if (existsSync(bin)) {
    const { decodeStoredMap } = await import('../formats/map-codec.ts');
    const m = decodeStoredMap(new Uint8Array(await readFile(bin)), bin);
    const values = Float32Array.from(m.input, (v, i) => (m.valid[i] ? v : Number.NaN));
    return { width: m.meta.size, height: m.meta.size, values, valid: m.valid };
  }
  const npy = join(root, 'maps', `${galaxyId}.npy`);
  if (existsSync(npy)) return squareFromNpy(new Uint8Array(await readFile(npy)), npy);
  return undefined;
}

/** Reads `attributions/<modelVersion>/<id>.npy`. */
export async function loadAttribution(
  root: string,
  modelVersion: string,
  galaxyId: string,
): Promise<GalaxyMap | undefined> {
  const file = join(root, 'attributions', modelVersion, `${galaxyId}.npy`);
  if (!existsSync(file)) return undefined;
  return squareFromNpy(new Uint8Array(await readFile(file)), file);
}

/** A labelled survey folder (galspin simulate layout): catalogue.csv with label and velocity_file columns. */
export interface SurveySource {
  labels: Map<string, ReportLabel>;
  velocityFile: Map<string, string>;
}

export async function readSurvey(dir: string): Promise<SurveySource> {
  const file = join(dir, 'catalogue.csv');
  if (!existsSync(file)) throw new ReportInputError(`${dir}: no catalogue.csv in the survey folder`);
  const rows = parseCsv(await readLimited(file, LIMITS.maxCatalogBytes), file);
  const labels = new Map<string, ReportLabel>();
  const velocityFile = new Map<string, string>();
  for (const r of rows) {
    const id = r.catid ?? r.galaxyId;
    if (!id) continue;
    const label = labelOf(r.label);
    if (label) labels.set(id, label);
    if (r.velocity_file) velocityFile.set(id, join(dir, r.velocity_file));
  }
  if (labels.size === 0) throw new ReportInputError(`${file}: no catid/label columns`);
  return { labels, velocityFile };
}

/**
 * A survey galaxy's velocity map as the network sees it: the paper's preprocessing (src/maps:
 * 0.5″ spaxels, centred 40×40), masked spaxels NaN for drawing. Undefined when the file is absent.
 */
export async function loadSurveyMap(survey: SurveySource, galaxyId: string): Promise<GalaxyMap | undefined> {
  const file = survey.velocityFile.get(galaxyId);
  if (!file || !existsSync(file)) return undefined;
  const { loadKinematicMap, preprocessMap } = await import('../maps/index.ts');
  const pre = preprocessMap(await loadKinematicMap(file));
  const values = Float32Array.from(pre.input, (v, i) => (pre.valid[i] ? v : Number.NaN));
  return { width: pre.size, height: pre.size, values, valid: pre.valid };
}

/**
 * A survey galaxy's network input of the given kind (src/maps/model-input.ts): the velocity file
 * with the dispersion file beside it. Undefined when a file the kind needs is absent.
 */
export async function loadSurveyModelInput(
  survey: SurveySource,
  galaxyId: string,
  kind: InputKind,
): Promise<Float32Array | undefined> {
  const file = survey.velocityFile.get(galaxyId);
  if (!file || !existsSync(file)) return undefined;
  const { loadKinematicMap, dispersionSiblingPath } = await import('../maps/load.ts');
  const { buildModelInput } = await import('../maps/model-input.ts');
  const sibling = dispersionSiblingPath(file);
  const dispersion = sibling && existsSync(sibling) ? sibling : undefined;
  if (kind !== 'velocity' && !dispersion) return undefined;
  return buildModelInput(await loadKinematicMap(file, dispersion), kind).input;
}

/** Global Moran's I (rook, valid spaxels of the 40×40 crop; src/maps moranOfMap) of a survey galaxy. */
export async function surveyMoransI(survey: SurveySource, galaxyId: string): Promise<number | undefined> {
  const file = survey.velocityFile.get(galaxyId);
  if (!file || !existsSync(file)) return undefined;
  const { loadKinematicMap, moranOfMap } = await import('../maps/index.ts');
  const I = moranOfMap(await loadKinematicMap(file)).I;
  return Number.isFinite(I) ? I : undefined;
}
