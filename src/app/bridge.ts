/**
 * The local bridge for `galspin run --aws` against an emulator: the emulator delivers S3 events to
 * the ingest queue but cannot run Lambdas, so this long-polls the ingest queue, wraps the messages
 * as the SQS event Lambda would receive, invokes the REAL preprocess handler, and deletes the
 * records the partial batch response did not report as failed (Lambda's event-source mapping).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueMessage, WorkQueue } from '../ports/storage.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function toSqsEvent(
  messages: QueueMessage[],
  queueArn = 'arn:aws:sqs:local:000000000000:ingest',
): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: process.env.AWS_REGION ?? 'us-east-1',
    })),
  };
}

const fakeContext = (): Context =>
  ({
    functionName: 'galspin-preprocess-local',
    awsRequestId: `local-${Date.now()}`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/** One poll → handler → delete the successes. Returns how many records were processed and failed. */
export async function bridgeOnce(
  queue: WorkQueue,
  handler: SqsHandler,
  opts: { waitSeconds: number; batchSize?: number },
): Promise<{ received: number; failed: number }> {
  const messages = await queue.receive({
    maxMessages: Math.min(10, opts.batchSize ?? 10),
    waitSeconds: opts.waitSeconds,
  });
  if (messages.length === 0) return { received: 0, failed: 0 };
  const response = await handler(toSqsEvent(messages), fakeContext());
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const ok = messages.filter((m) => !failed.has(m.messageId)).map((m) => m.receiptHandle);
  if (ok.length) await queue.delete(ok);
  return { received: messages.length, failed: failed.size };
}

/** Drains the ingest queue through the handler until it stays empty (and nothing is in flight). */
export async function drainThroughHandler(
  queue: WorkQueue,
  handler: SqsHandler,
  opts: { waitSeconds?: number; onProgress?: (processed: number) => void; signal?: AbortSignal } = {},
): Promise<{ processed: number; failed: number }> {
  let processed = 0;
  let failed = 0;
  for (;;) {
    if (opts.signal?.aborted) break;
    const r = await bridgeOnce(queue, handler, { waitSeconds: opts.waitSeconds ?? 2 });
    processed += r.received - r.failed;
    failed += r.failed;
    if (r.received > 0) opts.onProgress?.(processed);
    if (r.received === 0) {
      const d = await queue.depth();
      if (d.visible + d.inFlight === 0) break;
    }
  }
  return { processed, failed };
}
