/**
 * The classify consumer: long-poll the classify queue, gather up to `batchSize` maps or wait at
 * most `batchMs` after the first one, classify the batch, delete what is done. Stopping (SIGTERM in
 * gpu-tasks/infer-worker.ts) finishes the batch in hand, then returns.
 */

import { LIMITS, parseClassifyMessage, TIMEOUTS } from '../config/index.ts';
import { type PipelineLogger, silentLogger } from '../ports/logger.ts';
import type { QueueMessage, WorkQueue } from '../ports/storage.ts';
import { type ClassifyDeps, classifyBatch, recordFailure } from './classify.ts';
import { oneLine } from './errors.ts';

export interface WorkerOptions {
  batchSize: number;
  /** Longest wait to fill a batch after its first message, ms. */
  batchMs: number;
  /** Long-poll wait per receive, s (≤ 20, the SQS maximum). */
  waitSeconds?: number;
  visibilitySeconds?: number;
  /** Stops the loop after the batch in hand. */
  signal?: AbortSignal;
  /** Return once the queue is empty for one whole poll (one-machine mode, tests, benchmarks). */
  untilEmpty?: boolean;
  /** Called before each poll: the container's heartbeat (image HEALTHCHECK) hangs off it. */
  onPoll?: () => void;
  /** Called after each batch (progress bars, metrics). */
  onBatch?: (b: { classified: number; failed: number; retried: number; ms: number }) => void;
}

export interface WorkerStats {
  batches: number;
  classified: number;
  failed: number;
  retried: number;
}

async function gather(queue: WorkQueue, opts: WorkerOptions): Promise<QueueMessage[]> {
  const wait = Math.min(20, opts.waitSeconds ?? TIMEOUTS.longPollSeconds);
  const visibility = opts.visibilitySeconds ?? TIMEOUTS.classifyVisibilitySeconds;
  const batch: QueueMessage[] = [];
  let deadline = Number.POSITIVE_INFINITY;
  while (batch.length < opts.batchSize) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    if (batch.length > 0 && opts.signal?.aborted) break;
    const waitSeconds =
      batch.length === 0 ? (opts.signal?.aborted ? 0 : wait) : Math.min(wait, Math.floor(left / 1000));
    const got = await queue.receive({
      maxMessages: Math.min(10, opts.batchSize - batch.length),
      waitSeconds,
      visibilitySeconds: visibility,
    });
    if (got.length === 0) {
      if (batch.length > 0 || waitSeconds === 0 || opts.signal?.aborted) break;
      if (opts.untilEmpty) break;
      continue;
    }
    if (batch.length === 0) deadline = Date.now() + opts.batchMs;
    for (const m of got) {
      // At-least-once delivery can hand the same message twice; keep the newest receipt handle.
      const i = batch.findIndex((b) => b.messageId === m.messageId);
      if (i >= 0) batch[i] = m;
      else batch.push(m);
    }
  }
  return batch;
}

/** Runs until `signal` aborts (or, with `untilEmpty`, the queue is drained). */
export async function runWorker(
  deps: ClassifyDeps & { queue: WorkQueue },
  opts: WorkerOptions,
): Promise<WorkerStats> {
  const log: PipelineLogger = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const stats: WorkerStats = { batches: 0, classified: 0, failed: 0, retried: 0 };
  while (!opts.signal?.aborted) {
    opts.onPoll?.();
    const batch = await gather(deps.queue, opts);
    if (batch.length === 0) {
      if (opts.untilEmpty) {
        // Messages in flight elsewhere (or waiting out a visibility timeout) still count as work.
        const d = await deps.queue.depth();
        if (d.visible + d.inFlight === 0) break;
      }
      // Avoid a busy loop when polls return at once (waitSeconds 0).
      if ((opts.waitSeconds ?? 1) === 0) await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const t0 = performance.now();
    let done: string[] = [];
    let retry: { receiptHandle: string; reason: string; msg: QueueMessage }[] = [];
    try {
      const out = await classifyBatch(deps, batch);
      done = out.done;
      const byHandle = new Map(batch.map((m) => [m.receiptHandle, m]));
      retry = out.retry.map((r) => ({ ...r, msg: byHandle.get(r.receiptHandle) as QueueMessage }));
      stats.classified += out.rows.length;
      stats.failed += out.done.length - out.rows.length;
    } catch (err) {
      log.error('batch failed; messages will be redelivered', { n: batch.length, reason: oneLine(err) });
      retry = batch.map((msg) => ({ receiptHandle: msg.receiptHandle, reason: oneLine(err), msg }));
    }
    if (done.length > 0) await deps.queue.delete(done);
    // A message on its last receive is about to be dead-lettered: say so in its source row.
    for (const r of retry) {
      if (r.msg.receiveCount < LIMITS.maxReceiveCount) continue;
      try {
        await recordFailure(
          deps,
          { body: parseClassifyMessage(r.msg.body) },
          `dead-lettered after ${r.msg.receiveCount} receives: ${r.reason}`,
          now(),
        );
      } catch {
        // Unparseable bodies have no source row to mark; the DLQ keeps them.
      }
    }
    stats.retried += retry.length;
    stats.batches++;
    const ms = performance.now() - t0;
    opts.onBatch?.({ classified: done.length, failed: 0, retried: retry.length, ms });
    log.info('batch', { n: batch.length, done: done.length, retry: retry.length, ms: Math.round(ms) });
  }
  return stats;
}
