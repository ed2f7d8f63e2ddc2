/**
 * WorkQueue on SQS. The dead-letter queue is the one named by the queue's RedrivePolicy (set by the
 * provisioner / CDK with maxReceiveCount = LIMITS.maxReceiveCount); SQS itself moves exhausted
 * messages there. Redrive moves them back by receive → send → delete, which works on AWS and on
 * emulators alike (moto has no StartMessageMoveTask).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LIMITS } from '../../config/index.ts';
import { GalspinError } from '../../errors.ts';
import type { DeadLetter, QueueMessage, ReceiveOptions, WorkQueue } from '../../ports/storage.ts';

export class SqsQueueError extends GalspinError {
  override name = 'SqsQueueError';
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class SqsQueue implements WorkQueue {
  private dlqUrl: Promise<string | undefined> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    opts: { deadLetterQueueUrl?: string } = {},
  ) {
    if (opts.deadLetterQueueUrl) this.dlqUrl = Promise.resolve(opts.deadLetterQueueUrl);
  }

  async sendBatch(bodies: string[]): Promise<void> {
    for (const body of bodies) {
      const bytes = Buffer.byteLength(body);
      if (bytes > LIMITS.maxMessageBytes) {
        throw new SqsQueueError(
          `${this.queueUrl}: message of ${bytes} bytes exceeds ${LIMITS.maxMessageBytes}`,
        );
      }
    }
    await sendAll(this.sqs, this.queueUrl, bodies);
  }

  async receive(opts: ReceiveOptions): Promise<QueueMessage[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(opts.maxMessages, LIMITS.maxQueueBatch)),
        WaitTimeSeconds: Math.min(opts.waitSeconds, LIMITS.maxWaitSeconds),
        VisibilityTimeout: opts.visibilitySeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async delete(receiptHandles: string[]): Promise<void> {
    await deleteAll(this.sqs, this.queueUrl, receiptHandles);
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async depth(): Promise<{ visible: number; inFlight: number; deadLettered: number }> {
    const a = await counts(this.sqs, this.queueUrl);
    const dlq = await this.deadLetterQueueUrl();
    const d = dlq ? await counts(this.sqs, dlq) : { visible: 0, inFlight: 0 };
    return { visible: a.visible, inFlight: a.inFlight, deadLettered: d.visible + d.inFlight };
  }

  async redrive(): Promise<number> {
    const dlq = await this.deadLetterQueueUrl();
    if (!dlq) return 0;
    let moved = 0;
    for (;;) {
      const got = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq,
          MaxNumberOfMessages: LIMITS.maxQueueBatch,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      const msgs = got.Messages ?? [];
      if (msgs.length === 0) return moved;
      // Send before delete: a crash in between duplicates a message (harmless, results are
      // idempotent) rather than losing it.
      await sendAll(
        this.sqs,
        this.queueUrl,
        msgs.map((m) => m.Body ?? ''),
      );
      await deleteAll(
        this.sqs,
        dlq,
        msgs.map((m) => m.ReceiptHandle ?? ''),
      );
      moved += msgs.length;
    }
  }

  /**
   * Receives from the DLQ with a zero visibility timeout, so the messages stay where they are. SQS
   * samples servers on each receive, so a call may show fewer than are there.
   */
  async peekDeadLetters(limit = 10): Promise<DeadLetter[]> {
    const dlq = await this.deadLetterQueueUrl();
    if (!dlq) return [];
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq,
        MaxNumberOfMessages: Math.max(1, Math.min(limit, LIMITS.maxQueueBatch)),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    // On the DLQ each peek adds one receive; the count before the move is what was received upstream.
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '',
      body: m.Body ?? '',
      receiveCount: Math.max(1, Number(m.Attributes?.ApproximateReceiveCount ?? 1) - 1),
    }));
  }

  /** URL of the dead-letter queue from the RedrivePolicy, resolved once. */
  deadLetterQueueUrl(): Promise<string | undefined> {
    this.dlqUrl ??= (async () => {
      const out = await this.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['RedrivePolicy'] }),
      );
      const policy = out.Attributes?.RedrivePolicy;
      if (!policy) return undefined;
      const arn = String(JSON.parse(policy).deadLetterTargetArn ?? '');
      const [, , , , account, name] = arn.split(':');
      if (!name) return undefined;
      const url = await this.sqs.send(
        new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
      );
      return url.QueueUrl;
    })();
    return this.dlqUrl;
  }
}

async function counts(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

async function sendAll(sqs: SQSClient, url: string, bodies: string[]): Promise<void> {
  for (const batch of chunks(bodies, LIMITS.maxQueueBatch)) {
    let entries = batch.map((body, i) => ({ Id: String(i), MessageBody: body }));
    // Partial failures are retried a few times; the SDK already retried the call as a whole.
    for (let attempt = 0; entries.length > 0; attempt++) {
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      const failed = out.Failed ?? [];
      if (failed.length === 0) break;
      if (attempt >= 4 || failed.some((f) => f.SenderFault)) {
        throw new SqsQueueError(
          `${url}: send failed: ${failed.map((f) => `${f.Code} ${f.Message}`).join('; ')}`,
        );
      }
      const ids = new Set(failed.map((f) => f.Id));
      entries = entries.filter((e) => ids.has(e.Id));
    }
  }
}

async function deleteAll(sqs: SQSClient, url: string, receipts: string[]): Promise<void> {
  for (const batch of chunks(receipts, LIMITS.maxQueueBatch)) {
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: batch.map((r, i) => ({ Id: String(i), ReceiptHandle: r })),
      }),
    );
    // A stale receipt (the message was already redelivered) is not an error for an at-least-once
    // consumer: the newer delivery will be deleted by whoever holds it.
    const hard = (out.Failed ?? []).filter((f) => f.Code !== 'ReceiptHandleIsInvalid');
    if (hard.length > 0) {
      throw new SqsQueueError(
        `${url}: delete failed: ${hard.map((f) => `${f.Code} ${f.Message}`).join('; ')}`,
      );
    }
  }
}
