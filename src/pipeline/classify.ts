/**
 * Classify: a batch of classify messages → champion (or requested) model → probability,
 * uncertainty and attribution per galaxy → `attributions/<modelVersion>/<galaxyId>.npy|.png` →
 * one result row per (galaxy, model version) → source rows CLASSIFIED. The caller deletes the
 * messages only after this resolves, so a crash anywhere redelivers and the upserts absorb repeats.
 */

import { type ClassifyMessage, parseClassifyMessage, type ResultRow } from '../config/index.ts';
import { fateOf } from '../errors.ts';
import { attributionPng } from '../formats/heatmap.ts';
import { decodeStoredMap, inputOf, type StoredMap } from '../formats/map-codec.ts';
import { writeNpyFloat32 } from '../formats/npy.ts';
import { spaxelAttribution } from '../model/explain/attribution.ts';
import type { Classification, Classifier, ClassifierSource } from '../ports/classifier.ts';
import { type PipelineLogger, silentLogger } from '../ports/logger.ts';
import type { BlobStore, QueueMessage, ResultIndex } from '../ports/storage.ts';
import { crashPoint } from './crash-point.ts';
import { currentMap } from './current-map.ts';
import { ModelNotFoundError, NoChampionError, oneLine } from './errors.ts';
import { sameSourceFile } from './identity.ts';
import { keys } from './keys.ts';

export interface ClassifyDeps {
  blobs: BlobStore;
  index: ResultIndex;
  models: ClassifierSource;
  log?: PipelineLogger;
  now?: () => Date;
}

export interface BatchOutcome {
  /** Receipt handles safe to delete: classified, or recorded as FAILED for a permanent reason. */
  done: string[];
  /** Left on the queue for redelivery (transient failure), with the reason. */
  retry: { messageId: string; receiptHandle: string; reason: string }[];
  rows: ResultRow[];
}

interface Item {
  msg: QueueMessage;
  body: ClassifyMessage;
  map?: StoredMap;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Processes one batch; never throws for a single bad message (see {@link BatchOutcome}). */
export async function classifyBatch(
  deps: ClassifyDeps,
  messages: readonly QueueMessage[],
): Promise<BatchOutcome> {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const outcome: BatchOutcome = { done: [], retry: [], rows: [] };
  const items: Item[] = [];
  for (const msg of messages) {
    try {
      items.push({ msg, body: parseClassifyMessage(msg.body) });
    } catch (err) {
      // Not ours to fix: left undeleted it reaches the DLQ after maxReceiveCount receives.
      outcome.retry.push({
        messageId: msg.messageId,
        receiptHandle: msg.receiptHandle,
        reason: oneLine(err),
      });
      log.error('malformed classify message', {
        messageId: msg.messageId,
        receiveCount: msg.receiveCount,
        reason: oneLine(err),
      });
    }
  }
  if (items.length === 0) return outcome;

  const t0 = performance.now();
  await mapLimit(items, 16, async (item) => {
    try {
      item.map = decodeStoredMap(await deps.blobs.get(item.body.mapKey), item.body.mapKey);
    } catch (err) {
      if (fateOf(err) === 'retry') throw err;
      await recordFailure(deps, item, oneLine(err), now());
      outcome.done.push(item.msg.receiptHandle);
    }
  });
  const loadMs = performance.now() - t0;
  const loaded = items.filter((i) => i.map);

  let champion: string | undefined;
  const groups = new Map<string, Item[]>();
  for (const item of loaded) {
    let version = item.body.modelVersion;
    if (!version) {
      champion ??= await deps.models.champion();
      if (!champion) throw new NoChampionError('no champion model: train one first (galspin retrain)');
      version = champion;
    }
    const g = groups.get(version) ?? [];
    g.push(item);
    groups.set(version, g);
  }

  // A galaxy without the input its model reads (no dispersion map for a velocity+dispersion model)
  // goes to the store's velocity-only fallback, and its row says so; with no fallback it FAILS
  // with the reason, so the upload still ends as exactly one row.
  const routed = new Map<string, { items: Item[]; note?: string }>();
  for (const [version, group] of groups) {
    if (group.length === 0) continue;
    const classifier = await deps.models.load(version);
    const missing = group.filter((g) => !inputOf(g.map as StoredMap, classifier.inputKind));
    const ready = group.filter((g) => inputOf(g.map as StoredMap, classifier.inputKind));
    if (ready.length > 0) routed.set(version, { items: ready });
    if (missing.length === 0) continue;
    let fallback = await deps.models.fallback?.();
    let why = `model ${version} reads ${classifier.inputKind} with no velocity-only fallback`;
    if (fallback && fallback !== version) {
      // A fallback named in champion.json but missing from the store must not stall the queue.
      const usable = await deps.models.load(fallback).then(
        (c) => c.inputKind === 'velocity',
        (err: unknown) => {
          if (!(err instanceof ModelNotFoundError)) throw err;
          return false;
        },
      );
      if (!usable) {
        why = `model ${version} reads ${classifier.inputKind}, and its fallback ${fallback} is missing or not velocity-only`;
        fallback = undefined;
      }
    }
    if (!fallback || fallback === version) {
      for (const item of missing) {
        await recordFailure(
          deps,
          item,
          `${item.body.provenance.sourceKey}: no dispersion map, and ${why}`,
          now(),
        );
        outcome.done.push(item.msg.receiptHandle);
      }
      continue;
    }
    const note = `no dispersion map: velocity-only fallback model ${fallback} instead of ${version}`;
    const entry = routed.get(fallback) ?? { items: [], note };
    entry.items.push(...missing);
    entry.note ??= note;
    routed.set(fallback, entry);
  }

  // One classification per galaxy, model and map version, decided per model the map is routed to:
  // a repeat (a redelivered or duplicated message, the same file uploaded again) marks its uploads
  // CLASSIFIED from the stored result, and a map that is no longer the galaxy's current version is
  // not classified at all.
  const duplicatesInBatch: { item: Item; version: string }[] = [];
  for (const [version, { items: group, note }] of routed) {
    const fresh: Item[] = [];
    const seen = new Set<string>();
    for (const item of group) {
      if (seen.has(item.body.mapKey)) {
        duplicatesInBatch.push({ item, version });
        continue;
      }
      seen.add(item.body.mapKey);
      if (await alreadyDone(deps, item, version, now())) outcome.done.push(item.msg.receiptHandle);
      else fresh.push(item);
    }
    if (fresh.length === 0) continue;
    const classifier = await deps.models.load(version);
    const rows = await classifyGroup(deps, classifier, fresh, loadMs / Math.max(1, loaded.length), now, note);
    outcome.rows.push(...rows);
    outcome.done.push(...fresh.map((g) => g.msg.receiptHandle));
  }
  // Repeats of a map classified in this very batch follow its row.
  for (const { item, version } of duplicatesInBatch) {
    if (await alreadyDone(deps, item, version, now())) outcome.done.push(item.msg.receiptHandle);
    else
      outcome.retry.push({
        messageId: item.msg.messageId,
        receiptHandle: item.msg.receiptHandle,
        reason: `${item.body.mapKey}: its first copy in the batch was not classified`,
      });
  }
  log.info('batch classified', { n: outcome.rows.length, versions: [...groups.keys()] });
  return outcome;
}

async function classifyGroup(
  deps: ClassifyDeps,
  classifier: Classifier,
  group: Item[],
  loadMsEach: number,
  now: () => Date,
  note?: string,
): Promise<ResultRow[]> {
  const inputs = group.map((g) => inputOf(g.map as StoredMap, classifier.inputKind) as Float32Array);
  const { results, timings } = await classifier.classify(inputs);
  crashPoint('classify');
  const perMap = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, v / group.length]));
  const rows: ResultRow[] = [];
  await mapLimit(
    group.map((g, i) => ({ g, r: results[i] })),
    16,
    async ({ g, r }) => {
      const map = g.map as StoredMap;
      const { galaxyId } = g.body;
      const size = map.meta.size;
      const channels = r.attribution.length / (size * size);
      const tw = performance.now();
      const arrayKey = keys.attributionNpy(classifier.modelVersion, galaxyId);
      const pngKey = keys.attributionPng(classifier.modelVersion, galaxyId);
      await Promise.all([
        deps.blobs.put(
          arrayKey,
          writeNpyFloat32(r.attribution, channels > 1 ? [size, size, channels] : [size, size]),
          { contentType: 'application/octet-stream' },
        ),
        deps.blobs.put(
          pngKey,
          attributionPng(spaxelAttribution(r.attribution, size), size, size, { valid: map.valid }),
          {
            contentType: 'image/png',
          },
        ),
      ]);
      const science = map.meta.science;
      const updatedAt = now().toISOString();
      const row: ResultRow = {
        galaxyId,
        modelVersion: classifier.modelVersion,
        runId: g.body.runId,
        sourceKey: g.body.provenance.sourceKey,
        mapKey: g.body.mapKey,
        survey: g.body.provenance.survey,
        updatedAt,
        status: 'CLASSIFIED',
        probability: r.probability,
        logit: r.logit,
        class: r.class,
        uncertainty: r.uncertainty,
        moransI: science.moransI,
        lambdaRe: science.lambdaRe,
        ellipticity: science.ellipticity,
        attributionKeys: { array: arrayKey, png: pngKey },
        completenessGap: Number.isFinite(r.completenessGap) ? r.completenessGap : undefined,
        backend: classifier.backend,
        inputKind: classifier.inputKind,
        note:
          [note && classifier.inputKind === 'velocity' ? note : undefined, oodNote(r.ood)]
            .filter(Boolean)
            .join('; ') || undefined,
        outOfDistribution: r.ood?.outOfDistribution,
        oodDistance: finite(r.ood?.distance),
        oodThreshold: finite(r.ood?.threshold),
        timings: {
          ...perMap,
          load: loadMsEach,
          write: performance.now() - tw,
          endToEnd: Math.max(0, Date.parse(updatedAt) - Date.parse(g.body.enqueuedAt)),
        },
      };
      await deps.index.putResult(row);
      crashPoint('write');
      await markClassified(deps, g, g.body.mapKey, updatedAt);
      rows.push(row);
    },
  );
  return rows;
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);

function oodNote(ood: Classification['ood']): string | undefined {
  return ood?.outOfDistribution
    ? `out of distribution: input-feature distance ${ood.distance.toFixed(1)} > ${ood.threshold.toFixed(1)} (training maps), so uncertain`
    : undefined;
}

/**
 * Whether a message needs no model work: its map was already classified by this model (the row
 * names the same versioned map), or the galaxy's current map has moved on to a newer version. Both
 * leave every upload with one terminal row.
 */
async function alreadyDone(deps: ClassifyDeps, item: Item, modelVersion: string, at: Date): Promise<boolean> {
  const { galaxyId, mapKey, provenance } = item.body;
  const current = await currentMap(deps.blobs, galaxyId);
  if (current && current.mapKey !== mapKey) {
    // The same object was ingested again into a newer map (e.g. its dispersion companion arrived):
    // the newer message classifies it. Another upload whose map was replaced gets a terminal row
    // saying by what.
    if (current.provenance.sourceKey !== provenance.sourceKey) {
      const by = sameSourceFile(current.provenance.sourceKey, provenance.sourceKey)
        ? 'a newer version of this file'
        : 'another file of this galaxy';
      await deps.index.putSourceStatus({
        sourceKey: provenance.sourceKey,
        galaxyId,
        status: 'REJECTED',
        reason: `${provenance.sourceKey}: superseded before it was classified by ${by}, ${current.provenance.sourceKey} (map ${current.version})`,
        runId: item.body.runId,
        etag: provenance.sourceEtag,
        mapKey,
        updatedAt: at.toISOString(),
      });
    }
    return true;
  }
  const existing = await deps.index.getResult(galaxyId, modelVersion);
  if (existing?.status !== 'CLASSIFIED' || existing.mapKey !== mapKey) return false;
  await markClassified(deps, item, mapKey, at.toISOString());
  return true;
}

/** The uploads behind a classified map (velocity file and its dispersion companion) become CLASSIFIED. */
async function markClassified(
  deps: Pick<ClassifyDeps, 'index'>,
  item: { body: ClassifyMessage },
  mapKey: string,
  updatedAt: string,
): Promise<void> {
  const { galaxyId, provenance, runId } = item.body;
  for (const sourceKey of [provenance.sourceKey, provenance.dispersionKey]) {
    if (!sourceKey) continue;
    await deps.index.putSourceStatus({
      sourceKey,
      galaxyId,
      status: 'CLASSIFIED',
      runId,
      product: sourceKey === provenance.sourceKey ? 'velocity' : 'dispersion',
      etag: sourceKey === provenance.sourceKey ? provenance.sourceEtag : undefined,
      mapKey,
      updatedAt,
    });
  }
}

/**
 * Records a message that cannot succeed (its map is gone or corrupt, or it is about to be
 * dead-lettered): the source row becomes FAILED with the reason, so the object still ends as
 * exactly one row. No result row is written: there is no model output to key it by.
 */
export async function recordFailure(
  deps: Pick<ClassifyDeps, 'index'>,
  item: { body: ClassifyMessage },
  reason: string,
  at: Date,
): Promise<void> {
  await deps.index.putSourceStatus({
    sourceKey: item.body.provenance.sourceKey,
    galaxyId: item.body.galaxyId,
    status: 'FAILED',
    reason,
    runId: item.body.runId,
    etag: item.body.provenance.sourceEtag,
    mapKey: item.body.mapKey,
    updatedAt: at.toISOString(),
  });
}
