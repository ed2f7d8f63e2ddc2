/**
 * Ingest: one uploaded object → a versioned preprocessed map in `maps/<galaxyId>/<version>.bin`, the
 * galaxy's current-map pointer `maps/<galaxyId>.json`, a QUEUED source row and one classify message;
 * or a REJECTED row (bad input) or FAILED row (anything else unexpected) naming the file and the
 * problem. Only transient failures (src/errors.ts `fateOf`) are thrown, so the ingest message is
 * redelivered; on its last receive the row says it was dead-lettered, and `galspin redrive` brings it
 * back. Every step is idempotent, so a crash at any point is finished by the redelivery.
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
import { fateOf, GalspinError, oneLine, PermanentInputError } from '../errors.ts';
import { type FitsFile, parseFits } from '../fits/index.ts';
import { decodeStoredMap, encodeStoredMap, type MapMeta, type MapPointer } from '../formats/map-codec.ts';
import { type KinematicMap, loadKinematicMapFromFits, MapError, preprocessMap } from '../maps/index.ts';
import { buildModelInput, type ModelInput } from '../maps/model-input.ts';
import { type CleanKinematics, cleanKinematics } from '../maps/quality.ts';
import { measureMapScience } from '../maps/science.ts';
import { type PipelineLogger, silentLogger } from '../ports/logger.ts';
import type { BlobStore, ResultIndex, WorkQueue } from '../ports/storage.ts';
import { crashPoint } from './crash-point.ts';
import { currentMap } from './current-map.ts';
import { RejectedInputError } from './errors.ts';
import { headerGalaxyId, identifyObject, mapVersion, resolveGalaxyId, sameSourceFile } from './identity.ts';
import { dispersionSibling, isFitsKey, keys, velocitySibling } from './keys.ts';

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
  /**
   * This delivery is the message's last before it is dead-lettered: a transient failure is then
   * also written to the object's row (FAILED, "dead-lettered after …"), so the object is never
   * without a row while its message waits in the DLQ.
   */
  lastAttempt?: boolean;
  /** The receive count of this delivery, for the dead-letter reason. */
  receiveCount?: number;
}

/**
 * A differently named file claims a galaxy whose current map came from another file, with other
 * content. galspin keeps the first and rejects the later one (docs/pipeline.md, "Galaxy identity").
 */
export class MapConflictError extends PermanentInputError {
  override name = 'MapConflictError';
}

/** A reason that names the file first, as every row's reason does. */
function namingFile(key: string, err: unknown): string {
  const line = oneLine(err);
  if (line.startsWith(`${key}:`) || line.startsWith(key)) return line;
  const kind = err instanceof GalspinError || !(err instanceof Error) ? '' : `${err.name}: `;
  return `${key}: ${kind}${line}`;
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

async function readFits(blobs: BlobStore, key: string): Promise<{ fits: FitsFile; bytes: Uint8Array }> {
  const bytes = await blobs.get(key, { maxBytes: LIMITS.maxFitsBytes });
  return { fits: parseFits(bytes, key, { maxBytes: LIMITS.maxFitsBytes }), bytes };
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
    // A QUEUED row is written only after its classify message was sent (below), so a QUEUED row
    // for this object version means the work is already on its way.
    const existing = await deps.index.getSource(key);
    if (
      existing &&
      existing.status !== 'FAILED' &&
      (existing.status !== 'QUEUED' || existing.mapKey) &&
      existing.etag &&
      existing.etag === etag
    ) {
      log.info('duplicate delivery skipped', { key, status: existing.status });
      return { kind: 'duplicate', sourceKey: key, status: existing.status };
    }
  }

  let galaxyId = id.product === 'unknown' ? undefined : id.galaxyId;
  const record = async (status: 'REJECTED' | 'FAILED', reason: string): Promise<IngestOutcome> => {
    await deps.index.putSourceStatus({
      sourceKey: key,
      galaxyId,
      status,
      reason,
      runId,
      product: productOf(id.product),
      sizeBytes: head?.size,
      etag,
      updatedAt: now().toISOString(),
    });
    // 'rejected' is a metric's log contract (cdk/lib/metrics.ts); a FAILED file is an error.
    if (status === 'REJECTED') log.warn('rejected', { key, reason });
    else log.error('failed', { key, reason });
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

    const velocity = await readFits(deps.blobs, key);
    let dispersion: { fits: FitsFile; bytes: Uint8Array } | undefined;
    let dispersionKey: string | undefined;
    const sibling = dispersionSibling(key);
    if (sibling && (await deps.blobs.head(sibling))) {
      try {
        dispersion = await readFits(deps.blobs, sibling);
        dispersionKey = sibling;
      } catch (err) {
        if (fateOf(err) === 'retry') throw err;
        // A broken companion must not sink a good velocity map; the companion gets its own row.
        log.warn('dispersion companion unusable', { key: sibling, reason: oneLine(err) });
      }
    }
    let map = loadKinematicMapFromFits(
      velocity.fits,
      dispersion ? { dispersion: dispersion.fits } : undefined,
    );
    if (dispersion && !map.dispersion) {
      map = loadKinematicMapFromFits(velocity.fits);
      dispersion = undefined;
    }
    const identity = resolveGalaxyId(key, headerGalaxyId(velocity.fits));
    galaxyId = identity.galaxyId;
    const version = mapVersion(velocity.bytes, dispersion?.bytes);
    const mapKey = keys.mapData(galaxyId, version);
    const current = await currentMap(deps.blobs, galaxyId);
    if (current && current.mapKey !== mapKey && !sameSourceFile(current.provenance.sourceKey, key)) {
      throw new MapConflictError(
        `${key}: galaxy ${galaxyId} already has a map from ${current.provenance.sourceKey} (version ${current.version}), and this file's content differs; rename its ${identity.from === 'header' ? 'CATID' : 'file'} or delete the other upload`,
      );
    }

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
    // Data first, then the pointer, then the message, then the row: a crash between any two is
    // finished by the redelivered ingest message, and every step repeats harmlessly.
    if (!(await deps.blobs.head(mapKey))) {
      await deps.blobs.put(
        mapKey,
        encodeStoredMap({ meta, input: pre.input, valid: pre.valid, kinematics: kinematics?.input }),
        { contentType: 'application/octet-stream' },
      );
    }
    if (current?.mapKey !== mapKey) {
      const pointer: MapPointer = { ...meta, mapKey, version };
      await deps.blobs.put(keys.mapMeta(galaxyId), JSON.stringify(pointer, null, 2), {
        contentType: 'application/json',
      });
    }
    crashPoint('ingest');
    const before = opts.force ? await deps.index.getSource(key) : undefined;
    const queued = {
      sourceKey: key,
      galaxyId,
      status: 'QUEUED' as const,
      runId,
      product: 'velocity' as const,
      sizeBytes: head.size,
      etag,
      mapKey,
    };
    // A companion's re-ingest that lands on the map already queued (both files were ingested at
    // once) sends nothing more: one classification per map version.
    if (before?.mapKey === mapKey && (before.status === 'QUEUED' || before.status === 'CLASSIFIED')) {
      log.info('queued', { key, galaxyId, mapKey, alreadyQueued: true });
      return { kind: 'queued', sourceKey: key, galaxyId, mapKey };
    }
    const message: ClassifyMessageInput = {
      galaxyId,
      mapKey,
      provenance,
      runId,
      enqueuedAt: now().toISOString(),
    };
    // The message before the row: a crash between them redelivers this ingest, which sends again
    // (the worker classifies a map version once); the row never claims a message that was not sent.
    await deps.classifyQueue.sendBatch([JSON.stringify(message)]);
    await deps.index.putSourceStatus({ ...queued, updatedAt: now().toISOString() });
    log.info('queued', {
      key,
      galaxyId,
      idFrom: identity.from,
      mapKey,
      dispersion: Boolean(provenance.dispersionKey),
    });
    return { kind: 'queued', sourceKey: key, galaxyId, mapKey };
  } catch (err) {
    const fate = fateOf(err);
    if (fate === 'retry') {
      if (opts.lastAttempt)
        await record(
          'FAILED',
          `${namingFile(key, err)} (dead-lettered after ${opts.receiveCount ?? LIMITS.maxReceiveCount} receives; galspin redrive retries it)`,
        );
      throw err;
    }
    return record(fate === 'rejected' ? 'REJECTED' : 'FAILED', namingFile(key, err));
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
  // Already paired (both files were there when the velocity map was ingested): follow its row.
  const velocity = await deps.index.getSource(velocityKey);
  if (velocity?.mapKey && (await deps.blobs.head(velocity.mapKey))) {
    const paired = decodeStoredMap(await deps.blobs.get(velocity.mapKey), velocity.mapKey);
    if (paired.meta.provenance.sourceKey === velocityKey && paired.meta.provenance.dispersionKey === key) {
      if (velocity.status === 'REJECTED' || velocity.status === 'FAILED') {
        throw new RejectedInputError(`${key}: its velocity map ${velocityKey} was ${velocity.status}`);
      }
      await deps.index.putSourceStatus({
        ...row,
        galaxyId: velocity.galaxyId ?? galaxyId,
        mapKey: velocity.mapKey,
        status: velocity.status,
      });
      return { kind: 'companion', sourceKey: key, galaxyId: velocity.galaxyId ?? galaxyId, velocityKey };
    }
  }
  await deps.index.putSourceStatus({ ...row, status: 'QUEUED' });
  const outcome = await ingestObject(deps, { bucket: '', key: velocityKey }, { force: true, runId });
  if (outcome.kind !== 'queued') {
    throw new RejectedInputError(`${key}: its velocity map ${velocityKey} was not usable`);
  }
  return { kind: 'companion', sourceKey: key, galaxyId: outcome.galaxyId, velocityKey };
}
