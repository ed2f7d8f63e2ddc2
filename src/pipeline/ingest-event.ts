/**
 * The ingest-queue record processor behind lambdas/preprocess.ts and the local bridge: one SQS
 * body (an S3 event notification) → {@link ingestObject} for each created object. `s3:TestEvent`
 * and non-ObjectCreated records are acknowledged without work. Throws only for transient failures,
 * so a partial batch response retries exactly the records that can still succeed.
 */
import { ingestObjects, LIMITS } from '../config/index.ts';
import { type IngestDeps, type IngestOutcome, ingestObject } from './ingest.ts';

export interface DeliveryInfo {
  /** How many times this message has been received, this delivery included (1 on the first). */
  receiveCount?: number;
}

export async function processIngestBody(
  deps: IngestDeps,
  body: string,
  delivery: DeliveryInfo = {},
): Promise<IngestOutcome[]> {
  // A body that is not an S3 event can never succeed: let it fail so it lands in the DLQ for a look.
  const objects = ingestObjects(body);
  const receiveCount = delivery.receiveCount ?? 1;
  const lastAttempt = receiveCount >= LIMITS.maxReceiveCount;
  const out: IngestOutcome[] = [];
  for (const obj of objects) out.push(await ingestObject(deps, obj, { lastAttempt, receiveCount }));
  return out;
}
