/**
 * Ports: what the pipeline services need from the outside world. Each has an AWS adapter
 * (src/adapters/aws, SDK v3) and an embedded adapter (src/adapters/local, a folder + SQLite),
 * and both pass one shared contract suite.
 */

import type { ResultRow, ResultStatus, RotatorClass, SourceRow } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';

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
  /**
   * Up to `limit` dead-lettered messages, without removing them (for `galspin redrive --list`).
   * Optional: in-memory test doubles may leave it out.
   */
  peekDeadLetters?(limit?: number): Promise<DeadLetter[]>;
}

/** A message that exhausted its receives. */
export interface DeadLetter {
  messageId: string;
  body: string;
  /** Receives before it was dead-lettered (SQS: ApproximateReceiveCount, approximate). */
  receiveCount: number;
}

// ---------------------------------------------------------------------------------------------
// Results index
// ---------------------------------------------------------------------------------------------

/** One page of a query; pass `cursor` back to get the next page, absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface PageOptions {
  /** Items per page (default 100, at most 1000). */
  limit?: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
}

export interface ClassQuery extends PageOptions {
  class: RotatorClass;
  modelVersion: string;
  /** Inclusive bounds on p = P(fast). */
  minProbability?: number;
  maxProbability?: number;
  /** Highest probability first (default false: ascending). */
  descending?: boolean;
}

export interface StatusQuery extends PageOptions {
  status: ResultStatus;
  /** Only rows of this run. */
  runId?: string;
}

/** Everything the index holds about one galaxy. */
export interface GalaxyRecord {
  galaxyId: string;
  /** One per model version, ordered by model version. */
  results: ResultRow[];
  /** The uploads that named this galaxy, ordered by key. */
  sources: SourceRow[];
}

/**
 * The results index (DynamoDB single table on AWS; SQLite embedded). Rows are validated against the
 * zod schemas in src/config on the way in and on the way out.
 */
export interface ResultIndex {
  /**
   * Upserts the row for (galaxyId, modelVersion): a redelivered message overwrites, never duplicates.
   * A row with an older `updatedAt` than the stored one is ignored. Returns whether it was written.
   */
  putResult(row: ResultRow): Promise<boolean>;
  /**
   * Upserts the one row of an uploaded object. For the same object version (etag) a put never lowers
   * the status rank (STATUS_RANK), so a redelivered event cannot undo CLASSIFIED or REJECTED.
   * Returns whether it was written.
   */
  putSourceStatus(row: SourceRow): Promise<boolean>;
  getResult(galaxyId: string, modelVersion: string): Promise<ResultRow | undefined>;
  getSource(sourceKey: string): Promise<SourceRow | undefined>;
  /** Results under every model version plus the uploads that named the galaxy. */
  getGalaxy(galaxyId: string): Promise<GalaxyRecord>;
  /** Classified results of one class under one model version, sorted by probability. */
  queryByClass(q: ClassQuery): Promise<Page<ResultRow>>;
  /** Result rows with a status, optionally of one run, ordered by run then time. */
  queryResultsByStatus(q: StatusQuery): Promise<Page<ResultRow>>;
  /** Upload rows with a status, optionally of one run, ordered by run then time. */
  querySourcesByStatus(q: StatusQuery): Promise<Page<SourceRow>>;
}

/** Default and ceiling of {@link PageOptions.limit}. */
export const PAGE_LIMIT = { default: 100, max: 1000 } as const;

// ---------------------------------------------------------------------------------------------
// Errors shared by adapters
// ---------------------------------------------------------------------------------------------

/** An object is larger than the caller's `maxBytes`; raised before reading it whole. */
export class BlobTooLargeError extends PermanentInputError {
  override name = 'BlobTooLargeError';
  constructor(
    readonly key: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${key}: ${size} bytes exceeds the limit of ${maxBytes} bytes`);
  }
}

/** The key does not exist. */
export class BlobNotFoundError extends PermanentInputError {
  override name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`${key}: no such object`);
  }
}

/** A cursor that this index did not issue (or from another query). */
export class CursorError extends PermanentInputError {
  override name = 'CursorError';
}
