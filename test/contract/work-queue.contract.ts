/**
 * The WorkQueue contract (SQS semantics), run against the SQLite queue and SQS on moto. Visibility
 * timeouts are 1 s so the redelivery paths run in a few seconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/config/index.ts';
import type { QueueMessage, WorkQueue } from '../../src/ports/storage.ts';

export interface QueueFactoryOptions {
  /** Default visibility timeout of the new queue, seconds. */
  visibilitySeconds: number;
}

/** Receives until `n` messages arrived or `waitSeconds` passed (SQS may return fewer than asked). */
async function receiveN(q: WorkQueue, n: number, waitSeconds = 5): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  const until = Date.now() + waitSeconds * 1000;
  while (out.length < n && Date.now() < until) {
    out.push(...(await q.receive({ maxMessages: Math.min(10, n - out.length), waitSeconds: 1 })));
  }
  return out;
}

export function workQueueContract(
  name: string,
  make: (opts: QueueFactoryOptions) => Promise<WorkQueue>,
): void {
  describe(`WorkQueue contract: ${name}`, () => {
    it('sends a batch, receives each once within the visibility timeout, deletes', async () => {
      const q = await make({ visibilitySeconds: 30 });
      const bodies = Array.from({ length: 13 }, (_, i) => JSON.stringify({ i, s: 'é' }));
      await q.sendBatch(bodies);
      const got = await receiveN(q, 13);
      expect(got.map((m) => m.body).sort()).toEqual([...bodies].sort());
      expect(new Set(got.map((m) => m.messageId)).size).toBe(13);
      expect(got.every((m) => m.receiveCount === 1)).toBe(true);
      expect(await q.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
      expect(await q.depth()).toMatchObject({ visible: 0, inFlight: 13, deadLettered: 0 });
      await q.delete(got.map((m) => m.receiptHandle));
      expect(await q.depth()).toMatchObject({ visible: 0, inFlight: 0, deadLettered: 0 });
    });

    it('redelivers after the visibility timeout with a new receipt and a higher receive count', async () => {
      const q = await make({ visibilitySeconds: 1 });
      await q.sendBatch(['poke']);
      const [first] = await receiveN(q, 1);
      expect(first.receiveCount).toBe(1);
      expect(await q.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
      await sleep(1300);
      const [second] = await receiveN(q, 1);
      expect(second.messageId).toBe(first.messageId);
      expect(second.receiveCount).toBe(2);
      expect(second.receiptHandle).not.toBe(first.receiptHandle);
      await q.delete([second.receiptHandle]);
      await sleep(1300);
      expect(await q.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
    });

    it('honours a per-receive visibility override and changeVisibility', async () => {
      const q = await make({ visibilitySeconds: 1 });
      await q.sendBatch(['a']);
      const [m] = await q.receive({ maxMessages: 1, waitSeconds: 2, visibilitySeconds: 30 });
      expect(m.body).toBe('a');
      await sleep(1300);
      expect(await q.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
      await q.changeVisibility(m.receiptHandle, 0);
      const [again] = await receiveN(q, 1);
      expect(again.messageId).toBe(m.messageId);
      await q.changeVisibility(again.receiptHandle, 30);
      await sleep(1300);
      expect(await q.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
      await q.delete([again.receiptHandle]);
    });

    it(`dead-letters a message after ${LIMITS.maxReceiveCount} receives; redrive brings it back`, async () => {
      const q = await make({ visibilitySeconds: 1 });
      await q.sendBatch(['poison']);
      for (let n = 1; n <= LIMITS.maxReceiveCount; n++) {
        const [m] = await receiveN(q, 1);
        expect(m.receiveCount).toBe(n);
        await sleep(1200);
      }
      // The next receive finds it exhausted and moves it aside instead of delivering it.
      expect(await q.receive({ maxMessages: 1, waitSeconds: 1 })).toEqual([]);
      await expect
        .poll(async () => (await q.depth()).deadLettered, { timeout: 10_000, interval: 250 })
        .toBe(1);
      expect(await q.depth()).toMatchObject({ visible: 0, inFlight: 0 });
      if (q.peekDeadLetters) {
        const peeked = await q.peekDeadLetters(10);
        expect(peeked.map((d) => [d.body, d.receiveCount])).toEqual([['poison', LIMITS.maxReceiveCount]]);
        // Peeking leaves it dead-lettered.
        expect((await q.depth()).deadLettered).toBe(1);
      }
      expect(await q.redrive()).toBe(1);
      const [back] = await receiveN(q, 1, 10);
      expect(back.body).toBe('poison');
      expect(back.receiveCount).toBe(1);
      expect((await q.depth()).deadLettered).toBe(0);
      await q.delete([back.receiptHandle]);
    });

    it('long poll returns as soon as a message arrives, and empty after the wait', async () => {
      const q = await make({ visibilitySeconds: 30 });
      const t0 = Date.now();
      expect(await q.receive({ maxMessages: 1, waitSeconds: 1 })).toEqual([]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      const pending = q.receive({ maxMessages: 1, waitSeconds: 10 });
      await sleep(500);
      const sentAt = Date.now();
      await q.sendBatch(['late']);
      const got = await pending;
      expect(got.map((m) => m.body)).toEqual(['late']);
      // Semantics, not speed: it answered before its 10 s wait ran out.
      expect(Date.now() - sentAt).toBeLessThan(9000);
    });

    it('refuses a body over the SQS size limit', async () => {
      const q = await make({ visibilitySeconds: 30 });
      await expect(q.sendBatch(['x'.repeat(LIMITS.maxMessageBytes + 1)])).rejects.toThrow(/exceeds/);
    });
  });
}
