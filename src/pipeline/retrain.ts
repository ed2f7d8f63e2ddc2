/**
 * Retrain: labeled maps from the bucket (a labels CSV under `labels/` naming galaxies whose maps
 * are in `maps/`) → the honest protocol (split by galaxy, augment the training split only, test
 * split untouched) → evaluate → store as `models/<version>/`.
 *
 * Promotion cannot go backwards (../model/promotion.ts): a demo model (not Table 1, or trained on
 * fewer than MIN_TRAINING_GALAXIES) is never promoted; otherwise the challenger replaces the
 * champion only when it reads the same input kind and is significantly better on the injected
 * benchmark of ≥ MIN_BENCHMARK_GALAXIES galaxies (one-sided exact McNemar at P = 0.5, α = 0.05).
 * Without a benchmark nothing is promoted over a champion. The challenger's metrics.json records
 * `demo`, `demoReasons`, `inputKind`, `promotion` (decision, reason, n, accuracies, b, c, p-value)
 * and the test-split comparison (`comparison`) either way. Optionally re-enqueues every map for the
 * new champion.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { type ClassifyMessageInput, LIMITS, PREFIX } from '../config/index.ts';
import { CsvError, parseCsvTable } from '../formats/csv.ts';
import { decodeStoredMap, inputOf, MapPointer } from '../formats/map-codec.ts';
import { DEFAULT_INPUT_KIND, type InputKind, inputKindFrom } from '../maps/model-input.ts';
import { classifyRotator, isBorderline, type RotatorRule } from '../maps/rules.ts';
import type { Backend } from '../model/backend.ts';
import { crossGeneratorBenchmark } from '../model/evaluate/benchmark.ts';
import { evaluateModel } from '../model/evaluate/evaluate.ts';
import {
  type Contender,
  decidePromotion,
  demoReasons,
  MIN_BENCHMARK_GALAXIES,
  type PromotionDecision,
} from '../model/evaluate/promotion.ts';
import { inputShapeOf, logitsOf, stackInputs } from '../model/explain/attribution-forward.ts';
import { readModelDir } from '../model/store.ts';
import type { TrainOptions } from '../model/train/train.ts';
import { trainAndSave } from '../model/train/train-run.ts';
import { type PipelineLogger, silentLogger } from '../ports/logger.ts';
import type { PipelinePorts } from '../ports/pipeline-ports.ts';
import type { BlobStore, ResultIndex, WorkQueue } from '../ports/storage.ts';
import { currentMap, isMapPointerKey } from './current-map.ts';
import { RejectedInputError } from './errors.ts';
import { BlobModelRepository } from './model-repository.ts';

export interface RetrainDeps {
  tf: typeof tfjs;
  backend: string;
  blobs: BlobStore;
  /** Needed when the labels come from the index (no `labelsKey`). */
  index?: ResultIndex;
  classifyQueue?: WorkQueue;
  log?: PipelineLogger;
  /**
   * The labelled benchmark challenger and champion are compared on (≥ MIN_BENCHMARK_GALAXIES
   * galaxies, inputs of the models' input kind). Without it nothing replaces a champion.
   */
  benchmark?: () => Promise<Benchmark>;
}

/** Galaxies both models classify for the promotion test; `inputs[i]` is what the model reads. */
export interface Benchmark {
  name: string;
  ids: string[];
  inputs: Float32Array[];
  /** 1 fast, 0 slow. */
  labels: number[];
}

/** Retraining's dependencies from a backend and a pipeline's ports (the train task and the CLI). */
export function retrainDeps(
  backend: Pick<Backend, 'tf' | 'name'>,
  ports: Pick<PipelinePorts, 'blobs' | 'index' | 'classifyQueue'>,
  log?: PipelineLogger,
  inputKind: InputKind = DEFAULT_INPUT_KIND,
): RetrainDeps {
  const { blobs, index, classifyQueue } = ports;
  return {
    tf: backend.tf,
    backend: backend.name,
    blobs,
    index,
    classifyQueue,
    log,
    // Both generator families, fixed seeds, rendered in memory (src/model/evaluate/benchmark.ts).
    benchmark: async () => crossGeneratorBenchmark(inputKind),
  };
}

export interface RetrainOptions {
  /**
   * Bucket key of the labels CSV (columns include `catid` or `galaxyId`, and `label`: fast|slow|1|0).
   * When absent, labels come from the index: {@link labelsFromIndex}.
   */
  labelsKey?: string;
  /** The kinematic rule for index labels (default Cappellari 2016, as the mock surveys use). */
  rule?: RotatorRule;
  train?: Partial<TrainOptions>;
  /** The network input to train (default velocity+dispersion; maps without it are left out). */
  inputKind?: InputKind;
  /** Enqueue every map in `maps/` for the new champion. */
  reclassify?: boolean;
  onEpoch?: TrainOptions['onEpoch'];
}

export interface Comparison {
  candidate: { version: string; auc: number; accuracy: number };
  /** The champion on the candidate's test split (absent when there is none or it reads another input). */
  champion?: { version: string; auc: number; accuracy: number };
  promoted: boolean;
  reason: string;
  testSet: { n: number; ids: string[] };
  /** The promotion decision: demo check, input kind, benchmark and McNemar test. */
  promotion: PromotionDecision;
}

export interface RetrainResult {
  version: string;
  comparison: Comparison;
  reclassified: number;
}

/**
 * Galaxy ids and labels (1 fast, 0 slow) from a labels CSV (the shared CSV library: quoted free
 * text cannot shift the columns); unknown/other labels are skipped. The id column is the first of
 * catid, galaxy_id, galaxyId or id_str (case-insensitive).
 */
export function parseLabels(text: string, key: string): Map<string, number> {
  let table: ReturnType<typeof parseCsvTable>;
  try {
    table = parseCsvTable(text, key);
  } catch (err) {
    if (err instanceof CsvError) throw new RejectedInputError(err.message);
    throw err;
  }
  if (table.rows.length === 0) throw new RejectedInputError(`${key}: no labeled rows`);
  const byLower = new Map(table.header.map((h) => [h.toLowerCase(), h]));
  const idCol = ['catid', 'galaxy_id', 'galaxyid', 'id_str'].map((h) => byLower.get(h)).find(Boolean);
  const labelCol = byLower.get('label');
  if (!idCol || !labelCol)
    throw new RejectedInputError(`${key}: needs columns catid (or galaxy_id, id_str) and label`);
  const out = new Map<string, number>();
  for (const { cells } of table.rows) {
    const label = cells[labelCol].toLowerCase();
    const id = cells[idCol];
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
  rule: RotatorRule = 'cappellari2016',
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
    const rule = opts.rule ?? 'cappellari2016';
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
  const inputKind = opts.inputKind ?? DEFAULT_INPUT_KIND;
  let withoutInput = 0;
  for (const [id, label] of labels) {
    const current = await currentMap(deps.blobs, id);
    if (!current || !(await deps.blobs.head(current.mapKey))) continue; // labeled but never ingested
    const map = decodeStoredMap(await deps.blobs.get(current.mapKey), current.mapKey);
    const input = inputOf(map, inputKind);
    if (!input) {
      withoutInput++; // e.g. no dispersion map for a velocity+dispersion model
      continue;
    }
    data.ids.push(id);
    data.inputs.push(input);
    data.labels.push(label);
    data.kinds.push('');
  }
  const nFast = data.labels.filter((l) => l === 1).length;
  if (nFast < 3 || data.ids.length - nFast < 3) {
    throw new RejectedInputError(
      `${source}: ${data.ids.length} labeled galaxies have maps (${nFast} fast); need at least 3 of each class`,
    );
  }
  log.info('training', { galaxies: data.ids.length, fast: nFast, inputKind, withoutInput });
  const dir = mkdtempSync(join(tmpdir(), 'galspin-retrain-'));
  try {
    const run = await trainAndSave(tf, deps.backend, { ...data, source, hash: '', inputKind }, dir, {
      protocol: 'honest',
      ...opts.train,
      onEpoch: opts.onEpoch,
    });
    const version = run.metrics.modelVersion;
    const candidate = { version, auc: run.metrics.test.auc, accuracy: run.metrics.test.accuracy };
    const candidateMetrics = run.metrics as unknown as Record<string, unknown>;
    const challengerDemo = demoReasons(candidateMetrics);
    const challengerKind = kindOfModel(run.result.model, candidateMetrics);
    const repo = new BlobModelRepository(deps.blobs);
    const current = (await repo.champion())?.version;
    let champion: Comparison['champion'];
    let promotion: PromotionDecision;
    if (!current) {
      promotion = decidePromotion({
        challenger: { version, inputKind: challengerKind, demoReasons: challengerDemo },
      });
    } else {
      const model = await repo.loadModel(tf, current);
      try {
        const championMetrics = await repo.metrics(current);
        const championKind = kindOfModel(model, championMetrics);
        if (championKind === challengerKind && sameInputShape(model, run.result.model)) {
          // The champion is scored on exactly the candidate's untouched test split (for the record).
          const m = evaluateModel(
            tf,
            model,
            run.result.test,
            run.result.validation,
            run.result.config.inputSize,
          );
          champion = { version: current, auc: m.auc, accuracy: m.accuracy };
        }
        promotion = await judgeChallenger(tf, {
          challenger: { version, model: run.result.model, metrics: candidateMetrics },
          champion: { version: current, model, metrics: championMetrics },
          benchmark: deps.benchmark,
          log,
        });
      } finally {
        model.dispose();
      }
    }
    const better = promotion.promoted;
    const testLine = champion
      ? `; test AUC ${candidate.auc.toFixed(3)} vs champion ${champion.version} ${champion.auc.toFixed(3)} on the same ${run.result.test.ids.length} galaxies`
      : '';
    const reason = `${promotion.reason}${testLine}`;
    const comparison: Comparison = {
      candidate,
      champion,
      promoted: better,
      reason,
      testSet: { n: run.result.test.ids.length, ids: run.result.test.ids },
      promotion,
    };
    const artifacts = await readModelDir(dir);
    await repo.saveFiles(version, {
      ...artifacts,
      metrics: {
        ...(artifacts.metrics ?? {}),
        demo: challengerDemo.length > 0,
        demoReasons: challengerDemo,
        inputKind: challengerKind,
        promotion: { promoted: promotion.promoted, reason: promotion.reason, ...promotion.comparison },
        comparison,
      },
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

/** The input kind of a model: its metrics' `inputKind`, else its input channels (1 velocity). */
function kindOfModel(model: tfjs.LayersModel, metrics: Record<string, unknown> | undefined): InputKind {
  return inputKindFrom(metrics, inputShapeOf(model).shape[2]);
}

function sameInputShape(a: tfjs.LayersModel, b: tfjs.LayersModel): boolean {
  return inputShapeOf(a).shape.join() === inputShapeOf(b).shape.join();
}

/** P(fast) at the P = 0.5 decision: the sign of the logit (temperature scaling cannot move it). */
async function benchmarkScores(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
): Promise<Float64Array> {
  const { size } = inputShapeOf(model);
  const logits = await logitsOf(tf, model, stackInputs(inputs, size), inputs.length, 128);
  return Float64Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
}

/**
 * The promotion decision for a trained challenger against the current champion: demo check, input
 * kind, then both models on the benchmark (when there is one of ≥ MIN_BENCHMARK_GALAXIES galaxies)
 * and the paired McNemar test ({@link decidePromotion}).
 */
export async function judgeChallenger(
  tf: typeof tfjs,
  args: {
    challenger: { version: string; model: tfjs.LayersModel; metrics: Record<string, unknown> };
    champion: { version: string; model: tfjs.LayersModel; metrics: Record<string, unknown> | undefined };
    benchmark?: () => Promise<Benchmark>;
    log?: PipelineLogger;
  },
): Promise<PromotionDecision> {
  const challenger: Contender = {
    version: args.challenger.version,
    inputKind: kindOfModel(args.challenger.model, args.challenger.metrics),
    demoReasons: demoReasons(args.challenger.metrics),
  };
  const champion: Contender = {
    version: args.champion.version,
    inputKind: kindOfModel(args.champion.model, args.champion.metrics),
  };
  // Cheap refusals first: no benchmark is loaded or scored for a demo model or another input kind.
  const refused = (challenger.demoReasons?.length ?? 0) > 0 || challenger.inputKind !== champion.inputKind;
  if (refused || !args.benchmark) return decidePromotion({ challenger, champion });
  const bench = await args.benchmark();
  if (bench.inputs.length !== bench.labels.length || bench.ids.length !== bench.labels.length)
    throw new RejectedInputError(
      `benchmark ${bench.name}: ${bench.ids.length} ids, ${bench.inputs.length} inputs, ${bench.labels.length} labels`,
    );
  const labels = { name: bench.name, labels: bench.labels };
  if (bench.labels.length < MIN_BENCHMARK_GALAXIES)
    return decidePromotion({ challenger, champion, benchmark: labels });
  for (const [who, model] of [
    ['challenger', args.challenger.model],
    ['champion', args.champion.model],
  ] as const) {
    const { size } = inputShapeOf(model);
    const bad = bench.inputs.findIndex((x) => x.length !== size);
    if (bad >= 0)
      return {
        promoted: false,
        reason: `benchmark ${bench.name} input ${bench.ids[bad]} has ${bench.inputs[bad].length} values, the ${who} reads ${size}; not promoted`,
      };
  }
  args.log?.info('benchmark', { name: bench.name, n: bench.labels.length });
  return decidePromotion({
    challenger: {
      ...challenger,
      benchmarkProbabilities: await benchmarkScores(tf, args.challenger.model, bench.inputs),
    },
    champion: {
      ...champion,
      benchmarkProbabilities: await benchmarkScores(tf, args.champion.model, bench.inputs),
    },
    benchmark: labels,
  });
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
    if (!isMapPointerKey(b.key, PREFIX.maps)) continue;
    const parsed = MapPointer.safeParse(JSON.parse(new TextDecoder().decode(await deps.blobs.get(b.key))));
    if (!parsed.success) continue; // a pointer from before versioned maps: re-ingest to reclassify it
    const meta = parsed.data;
    const msg: ClassifyMessageInput = {
      galaxyId: meta.galaxyId,
      mapKey: meta.mapKey,
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
