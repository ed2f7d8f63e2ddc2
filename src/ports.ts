/**
 * Ports: what the pipeline services need from the outside world. Each has an AWS adapter
 * (src/adapters/aws, SDK v3) and an embedded adapter (src/adapters/local, a folder + SQLite),
 * and both pass one shared contract suite.
 */

export interface BlobInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

/** An object store with S3 semantics (keys are `/`-separated paths). */
export interface BlobStore {
  /** Whole object. Throws `BlobTooLargeError` past `maxBytes` without reading it whole. */
  get(key: string, opts?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Bytes [start, endInclusive] of an object. */
  getRange(key: string, start: number, endInclusive: number): Promise<Uint8Array>;
  put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void>;
  /** Metadata, or undefined when the key does not exist. */
  head(key: string): Promise<BlobInfo | undefined>;
  list(prefix: string): AsyncIterable<BlobInfo>;
}

export interface QueueMessage {
  /** Stable id of the message across redeliveries. */
  messageId: string;
  /** Handle of this delivery; needed to delete or extend it. */
  receiptHandle: string;
  body: string;
  /** 1 on first delivery. */
  receiveCount: number;
}

export interface ReceiveOptions {
  maxMessages: number;
  /** Long-poll wait; 0 returns at once. */
  waitSeconds: number;
  /** Overrides the queue's default visibility timeout for this delivery. */
  visibilitySeconds?: number;
}

/** An at-least-once queue with SQS semantics: visibility timeout, receive count, dead-letter after N receives. */
export interface WorkQueue {
  sendBatch(bodies: string[]): Promise<void>;
  receive(opts: ReceiveOptions): Promise<QueueMessage[]>;
  delete(receiptHandles: string[]): Promise<void>;
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /** Approximate depth: visible, in flight, and dead-lettered messages. */
  depth(): Promise<{ visible: number; inFlight: number; deadLettered: number }>;
  /** Moves dead-lettered messages back to the queue; returns how many moved. */
  redrive(): Promise<number>;
}
