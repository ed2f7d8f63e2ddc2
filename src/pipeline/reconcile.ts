/**
 * Reconciling an embedded home after a crash, so that every object in `incoming/` ends as exactly
 * one row. S3 delivers an event for every object it stores; a folder cannot promise that, because a
 * process killed between writing an object and enqueueing its event leaves the object unannounced.
 * Run before and after the queues are drained, this closes those gaps:
 *
 * - an object with no row and no ingest message (visible, in flight or dead-lettered) is announced
 *   again, as S3 would have done;
 * - an object with no row whose ingest message was dead-lettered (the process died on every
 *   delivery) gets a FAILED row saying so; `galspin redrive` retries it;
 * - a QUEUED upload whose classify message was dead-lettered the same way gets a FAILED row too.
 */
import { ingestObjects, LIMITS, PREFIX, parseClassifyMessage, s3CreatedEvent } from '../config/index.ts';
import type { BlobStore, ResultIndex, WorkQueue } from '../ports/storage.ts';
import { identifyObject } from './identity.ts';

/** A queue that can list what it still holds (the SQLite queue). */
export interface InspectableQueue extends WorkQueue {
  pendingBodies(): { body: string; deadLettered: boolean; receiveCount: number }[];
}

export interface ReconcileDeps {
  blobs: BlobStore;
  index: ResultIndex;
  ingestQueue: InspectableQueue;
  classifyQueue: InspectableQueue;
  now?: () => Date;
}

export interface ReconcileReport {
  /** Objects announced again (no row, no message). */
  announced: number;
  /** Rows written for dead-lettered work that had none. */
  deadLettered: number;
}

function keysOf(body: string): string[] {
  try {
    return ingestObjects(body).map((o) => o.key);
  } catch {
    return [];
  }
}

export async function reconcileHome(
  deps: ReconcileDeps,
  runIdOf: (key: string) => string,
): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const pending = new Map<string, { deadLettered: boolean; receiveCount: number }>();
  for (const m of deps.ingestQueue.pendingBodies()) {
    // A live message wins over a dead-lettered copy: the object is still being worked on.
    for (const key of keysOf(m.body)) if (!pending.has(key) || !m.deadLettered) pending.set(key, m);
  }

  const report: ReconcileReport = { announced: 0, deadLettered: 0 };
  const announce: string[] = [];
  for await (const object of deps.blobs.list(PREFIX.incoming)) {
    if (await deps.index.getSource(object.key)) continue;
    const message = pending.get(object.key);
    if (!message) {
      announce.push(s3CreatedEvent('local', object.key, object.size, object.etag));
      continue;
    }
    if (!message.deadLettered) continue;
    const id = identifyObject(object.key);
    await deps.index.putSourceStatus({
      sourceKey: object.key,
      galaxyId: id.product === 'unknown' ? undefined : id.galaxyId,
      status: 'FAILED',
      reason: `${object.key}: dead-lettered after ${message.receiveCount} receives (the process ended while ingesting it); galspin redrive retries it`,
      runId: runIdOf(object.key),
      sizeBytes: object.size,
      etag: object.etag,
      updatedAt: now().toISOString(),
    });
    report.deadLettered++;
  }
  for (let i = 0; i < announce.length; i += LIMITS.maxQueueBatch)
    await deps.ingestQueue.sendBatch(announce.slice(i, i + LIMITS.maxQueueBatch));
  report.announced = announce.length;

  for (const m of deps.classifyQueue.pendingBodies()) {
    if (!m.deadLettered) continue;
    let body: ReturnType<typeof parseClassifyMessage>;
    try {
      body = parseClassifyMessage(m.body);
    } catch {
      continue; // no upload to name; it stays in the DLQ for a look
    }
    const row = await deps.index.getSource(body.provenance.sourceKey);
    if (row?.status !== 'QUEUED') continue;
    await deps.index.putSourceStatus({
      ...row,
      status: 'FAILED',
      reason: `${body.provenance.sourceKey}: classify message dead-lettered after ${m.receiveCount} receives; galspin redrive retries it`,
      updatedAt: now().toISOString(),
    });
    report.deadLettered++;
  }
  return report;
}
