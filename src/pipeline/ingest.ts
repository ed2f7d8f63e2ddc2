/**
 * Ingest: one uploaded object → a preprocessed map in `maps/`, a QUEUED source row and one classify
 * message; or a REJECTED source row naming the problem. Transient failures (storage, index, queue)
 * are thrown so the ingest message is redelivered and, after `LIMITS.maxReceiveCount`, dead-lettered.
 */
import {
  type ClassifyMessageInput,
  type IngestObject,
  LIMITS,
  PREFIX,
  type Provenance,
  type SourceProduct,
  type SourceRow,
} from '../config/index.ts';
import { type FitsFile, parseFits } from '../fits/index.ts';
import { type KinematicMap, loadKinematicMapFromFits, MapError, preprocessMap } from '../maps/index.ts';
import { buildModelInput, type ModelInput } from '../maps/model-input.ts';
import { type CleanKinematics, cleanKinematics } from '../maps/quality.ts';
import type { BlobStore, ResultIndex, WorkQueue } from '../ports.ts';
import { isPermanentInputError, oneLine, RejectedInputError } from './errors.ts';
import { dispersionSibling, identifyObject, isFitsKey, keys, velocitySibling } from './keys.ts';
import { type PipelineLogger, silentLogger } from './logger.ts';
import { encodeStoredMap, type MapMeta } from './map-codec.ts';
import { measureMapScience } from './science.ts';

export interface IngestDeps {
  blobs: BlobStore;
  index: ResultIndex;
  classifyQueue: WorkQueue;
  log?: PipelineLogger;
  now?: () => Date;
  /** Recorded in provenance (package version or git sha). */
  preprocessor?: string;
}

export type IngestOutcome =
  | { kind: 'queued'; sourceKey: string; galaxyId: string; mapKey: string }
  | { kind: 'rejected'; sourceKey: string; galaxyId?: string; reason: string }
  /** A redelivered event for an object version that already reached a final status. */
  | { kind: 'duplicate'; sourceKey: string; status: SourceRow['status'] }
  /** A dispersion product whose velocity map was (re-)ingested with it. */
  | { kind: 'companion'; sourceKey: string; galaxyId: string; velocityKey: string };

export interface IngestOptions {
  /** Re-ingest even when the object version already has a final row (a companion arrived). */
  force?: boolean;
  runId?: string;
}

/**
 * Run id of an upload: the first folder under `incoming/` (`incoming/<run>/…`), else the UTC date,
 * so that one dropped folder is one run in `galspin query --status … --run …`.
 */
export function runIdForKey(key: string, now: Date): string {
  const rest = key.startsWith(PREFIX.incoming) ? key.slice(PREFIX.incoming.length) : key;
  const slash = rest.indexOf('/');
  const folder =
    slash > 0
      ? rest
          .slice(0, slash)
          .replace(/[^A-Za-z0-9._:-]+/g, '-')
          .slice(0, 128)
      : '';
  return folder || `ingest-${now.toISOString().slice(0, 10)}`;
}

function productOf(kind: ReturnType<typeof identifyObject>['product']): SourceProduct {
  return kind === 'dispersion' ? 'dispersion' : kind === 'unknown' ? 'unknown' : 'velocity';
}

async function readFits(blobs: BlobStore, key: string): Promise<FitsFile> {
  const bytes = await blobs.get(key, { maxBytes: LIMITS.maxFitsBytes });
  return parseFits(bytes, key, { maxBytes: LIMITS.maxFitsBytes });
}

/** Ingests one object; see the module comment for what is thrown and what is recorded. */
export async function ingestObject(
  deps: IngestDeps,
  obj: IngestObject,
  opts: IngestOptions = {},
): Promise<IngestOutcome> {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const key = obj.key;
  const runId = opts.runId ?? runIdForKey(key, now());
  const id = identifyObject(key);
  const head = await deps.blobs.head(key);
  const etag = head?.etag ?? obj.etag;

  if (!opts.force) {
    const existing = await deps.index.getSource(key);
    if (
      existing &&
      existing.status !== 'QUEUED' &&
      existing.status !== 'FAILED' &&
      existing.etag &&
      existing.etag === etag
    ) {
      log.info('duplicate delivery skipped', { key, status: existing.status });
      return { kind: 'duplicate', sourceKey: key, status: existing.status };
    }
  }

  const reject = async (reason: string, galaxyId?: string): Promise<IngestOutcome> => {
    await deps.index.putSourceStatus({
      sourceKey: key,
      galaxyId,
      status: 'REJECTED',
      reason,
      runId,
      product: productOf(id.product),
      sizeBytes: head?.size,
      etag,
      updatedAt: now().toISOString(),
    });
    log.warn('rejected', { key, reason });
    return { kind: 'rejected', sourceKey: key, galaxyId, reason };
  };

  try {
    if (!head) throw new RejectedInputError(`${key}: object no longer exists`);
    if (!isFitsKey(key))
      throw new RejectedInputError(`${key}: not a FITS file (expected .fits, .fits.gz, .fit or .fts)`);
    if (head.size > LIMITS.maxFitsBytes) {
      throw new RejectedInputError(
        `${key}: ${head.size} bytes exceeds the limit of ${LIMITS.maxFitsBytes} bytes`,
      );
    }
    if (id.product === 'dispersion')
      return await ingestDispersion(deps, key, id.galaxyId, runId, head.size, etag);

    const fits = await readFits(deps.blobs, key);
    let dispersion: FitsFile | undefined;
    let dispersionKey: string | undefined;
    const sibling = dispersionSibling(key);
    if (sibling && (await deps.blobs.head(sibling))) {
      try {
        dispersion = await readFits(deps.blobs, sibling);
        dispersionKey = sibling;
      } catch (err) {
        if (!isPermanentInputError(err)) throw err;
        // A broken companion must not sink a good velocity map; the companion gets its own row.
        log.warn('dispersion companion unusable', { key: sibling, reason: oneLine(err) });
      }
    }
    let map = loadKinematicMapFromFits(fits, dispersion ? { dispersion } : undefined);
    if (dispersion && !map.dispersion) map = loadKinematicMapFromFits(fits);
    const galaxyId = sanitiseGalaxyId(map.galaxyId || id.galaxyId);
    const pre = preprocessMap(map);
    // Cleaning (quality cuts, hot spaxels, systemic V) is the costly step: once for both uses.
    const clean = map.dispersion ? cleanKinematics(map) : undefined;
    const kinematics = twoChannelInput(map, clean, log);
    const science = measureMapScience(map, clean);
    if (science.nValid === 0) throw new RejectedInputError(`${key}: velocity map has no valid spaxels`);

    const provenance: Provenance = {
      sourceKey: key,
      sourceEtag: etag,
      sourceBytes: head.size,
      dispersionKey: map.dispersion ? dispersionKey : undefined,
      survey: map.survey,
      preprocessedAt: now().toISOString(),
      preprocessor: deps.preprocessor,
    };
    const meta: MapMeta = {
      galaxyId,
      size: pre.size,
      provenance,
      science,
      normalisation: kinematics?.normalisation,
      sourceGrid: { width: map.width, height: map.height, pixelScaleArcsec: map.pixelScaleArcsec },
    };
    const mapKey = keys.mapData(galaxyId);
    await deps.blobs.put(
      mapKey,
      encodeStoredMap({ meta, input: pre.input, valid: pre.valid, kinematics: kinematics?.input }),
      {
        contentType: 'application/octet-stream',
      },
    );
    await deps.blobs.put(keys.mapMeta(galaxyId), JSON.stringify(meta, null, 2), {
      contentType: 'application/json',
    });
    await deps.index.putSourceStatus({
      sourceKey: key,
      galaxyId,
      status: 'QUEUED',
      runId,
      product: 'velocity',
      sizeBytes: head.size,
      etag,
      mapKey,
      updatedAt: now().toISOString(),
    });
    const message: ClassifyMessageInput = {
      galaxyId,
      mapKey,
      provenance,
      runId,
      enqueuedAt: now().toISOString(),
    };
    await deps.classifyQueue.sendBatch([JSON.stringify(message)]);
    log.info('queued', { key, galaxyId, mapKey, dispersion: Boolean(provenance.dispersionKey) });
    return { kind: 'queued', sourceKey: key, galaxyId, mapKey };
  } catch (err) {
    if (isPermanentInputError(err))
      return reject(oneLine(err), id.product === 'unknown' ? undefined : id.galaxyId);
    throw err;
  }
}

/**
 * The velocity + dispersion input (src/maps/model-input.ts) when the map has a dispersion plane. A
 * map whose spaxels all fail the quality cuts keeps only the velocity input (the worker then uses
 * the velocity-only fallback and says so), rather than losing the galaxy.
 */
function twoChannelInput(
  map: KinematicMap,
  clean: CleanKinematics | undefined,
  log: PipelineLogger,
): ModelInput | undefined {
  if (!map.dispersion) return undefined;
  try {
    return buildModelInput(map, 'velocity+dispersion', undefined, clean);
  } catch (err) {
    if (!(err instanceof MapError)) throw err;
    log.warn('no velocity+dispersion input', { file: map.source.velocityFile, reason: oneLine(err) });
    return undefined;
  }
}

function sanitiseGalaxyId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 128) || 'unnamed';
}

/**
 * A dispersion product is a companion of its velocity map. If the velocity map is in the bucket,
 * re-ingest it so the map gains λR; otherwise record why it cannot be used yet (a later velocity
 * upload finds it, and the worker then marks it CLASSIFIED with the galaxy).
 */
async function ingestDispersion(
  deps: IngestDeps,
  key: string,
  galaxyId: string,
  runId: string,
  size: number,
  etag: string | undefined,
): Promise<IngestOutcome> {
  const now = deps.now ?? (() => new Date());
  // Parse it now so a corrupt companion is reported against its own key.
  await readFits(deps.blobs, key);
  const velocityKey = velocitySibling(key);
  const row: Omit<SourceRow, 'status'> = {
    sourceKey: key,
    galaxyId,
    runId,
    product: 'dispersion',
    sizeBytes: size,
    etag,
    updatedAt: now().toISOString(),
  };
  if (!velocityKey || !(await deps.blobs.head(velocityKey))) {
    throw new RejectedInputError(
      `${key}: dispersion map without its velocity map${velocityKey ? ` (${velocityKey})` : ''}; upload the velocity map to classify this galaxy`,
    );
  }
  // Already paired (both files were there when the velocity map was ingested): nothing to redo.
  const metaKey = keys.mapMeta(galaxyId);
  if (await deps.blobs.head(metaKey)) {
    const meta = JSON.parse(
      new TextDecoder().decode(await deps.blobs.get(metaKey, { maxBytes: 1024 * 1024 })),
    );
    if (meta?.provenance?.sourceKey === velocityKey && meta?.provenance?.dispersionKey === key) {
      const velocity = await deps.index.getSource(velocityKey);
      await deps.index.putSourceStatus({
        ...row,
        status: velocity?.status === 'CLASSIFIED' ? 'CLASSIFIED' : 'QUEUED',
      });
      return { kind: 'companion', sourceKey: key, galaxyId, velocityKey };
    }
  }
  await deps.index.putSourceStatus({ ...row, status: 'QUEUED' });
  const outcome = await ingestObject(deps, { bucket: '', key: velocityKey }, { force: true, runId });
  if (outcome.kind !== 'queued') {
    throw new RejectedInputError(`${key}: its velocity map ${velocityKey} was not usable`);
  }
  return { kind: 'companion', sourceKey: key, galaxyId: outcome.galaxyId, velocityKey };
}
