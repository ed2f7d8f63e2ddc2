/**
 * Retrain: labeled maps from the bucket (a labels CSV under `labels/` naming galaxies whose maps
 * are in `maps/`) → the honest protocol (split by galaxy, augment the training split only, test
 * split untouched) → evaluate → store as `models/<version>/`. The candidate is promoted only when it
 * beats the current champion **on the same test split**; both metrics are recorded in the
 * candidate's metrics.json (`comparison`) either way. Optionally re-enqueues every map for the new
 * champion.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { type ClassifyMessageInput, LIMITS, PREFIX } from '../config/index.ts';
import { classifyRotator, isBorderline, type RotatorRule } from '../maps/rules.ts';
import type { Backend } from '../model/backend.ts';
import { evaluateModel } from '../model/evaluate.ts';
import { readModelDir } from '../model/store.ts';
import type { TrainOptions } from '../model/train.ts';
import { trainAndSave } from '../model/train-run.ts';
import type { BlobStore, ResultIndex, WorkQueue } from '../ports.ts';
import { RejectedInputError } from './errors.ts';
import { keys } from './keys.ts';
import { type PipelineLogger, silentLogger } from './logger.ts';
import { decodeStoredMap, MapMeta } from './map-codec.ts';
import { BlobModelRepository } from './model-repo.ts';
import type { PipelinePorts } from './ports-types.ts';

export interface RetrainDeps {
  tf: typeof tfjs;
  backend: string;
  blobs: BlobStore;
  /** Needed when the labels come from the index (no `labelsKey`). */
  index?: ResultIndex;
  classifyQueue?: WorkQueue;
  log?: PipelineLogger;
}

/** Retraining's dependencies from a backend and a pipeline's ports (the train task and the CLI). */
export function retrainDeps(
  backend: Pick<Backend, 'tf' | 'name'>,
  ports: Pick<PipelinePorts, 'blobs' | 'index' | 'classifyQueue'>,
  log?: PipelineLogger,
): RetrainDeps {
  const { blobs, index, classifyQueue } = ports;
  return { tf: backend.tf, backend: backend.name, blobs, index, classifyQueue, log };
}

export interface RetrainOptions {
  /**
   * Bucket key of the labels CSV (columns include `catid` or `galaxyId`, and `label`: fast|slow|1|0).
   * When absent, labels come from the index: {@link labelsFromIndex}.
   */
  labelsKey?: string;
  /** The kinematic rule for index labels (default van de Sande et al. 2021, as the survey uses). */
  rule?: RotatorRule;
  train?: Partial<TrainOptions>;
  /** Enqueue every map in `maps/` for the new champion. */
  reclassify?: boolean;
  onEpoch?: TrainOptions['onEpoch'];
}

export interface Comparison {
  candidate: { version: string; auc: number; accuracy: number };
  champion?: { version: string; auc: number; accuracy: number };
  promoted: boolean;
  reason: string;
  testSet: { n: number; ids: string[] };
}

export interface RetrainResult {
  version: string;
  comparison: Comparison;
  reclassified: number;
}

/** Galaxy ids and labels (1 fast, 0 slow) from a labels CSV; unknown/other labels are skipped. */
export function parseLabels(text: string, key: string): Map<string, number> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new RejectedInputError(`${key}: no labeled rows`);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const idCol = header.findIndex((h) => h === 'catid' || h === 'galaxyid');
  const labelCol = header.indexOf('label');
  if (idCol < 0 || labelCol < 0)
    throw new RejectedInputError(`${key}: needs columns catid (or galaxyId) and label`);
  const out = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const label = cells[labelCol]?.trim().toLowerCase();
    const id = cells[idCol]?.trim();
    if (!id) continue;
    if (label === 'fast' || label === '1') out.set(id, 1);
    else if (label === 'slow' || label === '0') out.set(id, 0);
  }
  return out;
}

/**
 * Kinematic labels from the index: every classified galaxy whose map came with a dispersion plane,
 * so preprocessing measured λRe and ε, is labelled slow or fast by `rule` (the λRe–ε
 * classification the paper's SAMI labels come from; van de Sande et al. 2021, eq. 1 by default).
 * Galaxies within ±0.02 of the boundary in λRe or ε are left out: their label is noise.
 */
export async function labelsFromIndex(
  index: ResultIndex,
  rule: RotatorRule = 'vandesande2021',
): Promise<{ labels: Map<string, number>; borderline: number }> {
  const labels = new Map<string, number>();
  let borderline = 0;
  let cursor: string | undefined;
  do {
    const page = await index.queryResultsByStatus({ status: 'CLASSIFIED', limit: 1000, cursor });
    for (const row of page.items) {
      if (row.status !== 'CLASSIFIED' || labels.has(row.galaxyId)) continue;
      const { lambdaRe, ellipticity } = row;
      if (!Number.isFinite(lambdaRe) || !Number.isFinite(ellipticity)) continue;
      if (isBorderline(lambdaRe as number, ellipticity as number, rule)) {
        borderline++;
        continue;
      }
      labels.set(
        row.galaxyId,
        classifyRotator(lambdaRe as number, ellipticity as number, rule) === 'fast' ? 1 : 0,
      );
    }
    cursor = page.cursor;
  } while (cursor);
  return { labels, borderline };
}

export async function retrain(deps: RetrainDeps, opts: RetrainOptions): Promise<RetrainResult> {
  const log = deps.log ?? silentLogger;
  const { tf } = deps;
  let labels: Map<string, number>;
  let source: string;
  if (opts.labelsKey) {
    const text = new TextDecoder().decode(
      await deps.blobs.get(opts.labelsKey, { maxBytes: LIMITS.maxCatalogBytes }),
    );
    labels = parseLabels(text, opts.labelsKey);
    source = opts.labelsKey;
  } else {
    if (!deps.index)
      throw new RejectedInputError('labels from the index need the index; or give a labels CSV key');
    const rule = opts.rule ?? 'vandesande2021';
    const fromIndex = await labelsFromIndex(deps.index, rule);
    labels = fromIndex.labels;
    source = `index (λRe–ε, ${rule})`;
    log.info('labels from the index', { rule, labeled: labels.size, borderline: fromIndex.borderline });
  }
  const data = {
    ids: [] as string[],
    inputs: [] as Float32Array[],
    labels: [] as number[],
    kinds: [] as string[],
  };
  for (const [id, label] of labels) {
    const key = keys.mapData(id);
    if (!(await deps.blobs.head(key))) continue; // labeled but never ingested
    const map = decodeStoredMap(await deps.blobs.get(key), key);
    data.ids.push(id);
    data.inputs.push(map.input);
    data.labels.push(label);
    data.kinds.push('');
  }
  const nFast = data.labels.filter((l) => l === 1).length;
  if (nFast < 3 || data.ids.length - nFast < 3) {
    throw new RejectedInputError(
      `${source}: ${data.ids.length} labeled galaxies have maps (${nFast} fast); need at least 3 of each class`,
    );
  }
  log.info('training', { galaxies: data.ids.length, fast: nFast });
  const dir = mkdtempSync(join(tmpdir(), 'galspin-retrain-'));
  try {
    const run = await trainAndSave(tf, deps.backend, { ...data, source, hash: '' }, dir, {
      protocol: 'honest',
      ...opts.train,
      onEpoch: opts.onEpoch,
    });
    const version = run.metrics.modelVersion;
    const candidate = { version, auc: run.metrics.test.auc, accuracy: run.metrics.test.accuracy };
    const repo = new BlobModelRepository(deps.blobs);
    const current = (await repo.champion())?.version;
    let champion: Comparison['champion'];
    if (current) {
      // The champion is scored on exactly the candidate's untouched test split.
      const model = await repo.loadModel(tf, current);
      try {
        const m = evaluateModel(
          tf,
          model,
          run.result.test,
          run.result.validation,
          run.result.config.inputSize,
        );
        champion = { version: current, auc: m.auc, accuracy: m.accuracy };
      } finally {
        model.dispose();
      }
    }
    const better =
      !champion ||
      candidate.auc > champion.auc ||
      (candidate.auc === champion.auc && candidate.accuracy > champion.accuracy);
    const reason = champion
      ? `test AUC ${candidate.auc.toFixed(3)} vs champion ${champion.version} ${champion.auc.toFixed(3)} on the same ${run.result.test.ids.length} galaxies`
      : 'no champion yet';
    const comparison: Comparison = {
      candidate,
      champion,
      promoted: better,
      reason,
      testSet: { n: run.result.test.ids.length, ids: run.result.test.ids },
    };
    const artifacts = await readModelDir(dir);
    await repo.saveFiles(version, {
      ...artifacts,
      metrics: { ...(artifacts.metrics ?? {}), comparison },
    });
    run.result.model.dispose();
    if (better) await repo.promote(version, reason);
    log.info(better ? 'promoted' : 'kept champion', { version, reason });
    const reclassified =
      better && opts.reclassify && deps.classifyQueue ? await enqueueAll(deps, version) : 0;
    return { version, comparison, reclassified };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One classify message per map in `maps/`, pinned to `modelVersion`. */
export async function enqueueAll(
  deps: Pick<RetrainDeps, 'blobs' | 'classifyQueue'>,
  modelVersion: string,
): Promise<number> {
  let batch: string[] = [];
  let n = 0;
  const runId = `reclassify-${modelVersion}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128);
  for await (const b of deps.blobs.list(PREFIX.maps)) {
    if (!b.key.endsWith('.json')) continue;
    const meta = MapMeta.parse(JSON.parse(new TextDecoder().decode(await deps.blobs.get(b.key))));
    const msg: ClassifyMessageInput = {
      galaxyId: meta.galaxyId,
      mapKey: keys.mapData(meta.galaxyId),
      provenance: meta.provenance,
      runId,
      modelVersion,
      enqueuedAt: new Date().toISOString(),
    };
    batch.push(JSON.stringify(msg));
    n++;
    if (batch.length === 10) {
      await deps.classifyQueue?.sendBatch(batch);
      batch = [];
    }
  }
  if (batch.length) await deps.classifyQueue?.sendBatch(batch);
  return n;
}
