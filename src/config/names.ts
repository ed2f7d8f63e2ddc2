/** Names, limits and timeouts (re-exported by ./index.ts). */

/** Classification thresholds on p = P(fast) (Chegeni et al. 2025, Sect. 3). */
export const DEFAULT_THRESHOLDS = { fast: 0.95, slow: 0.05 } as const;

/** Bucket layout. Everything a user drops goes under `incoming/`. */
export const PREFIX = {
  incoming: 'incoming/',
  maps: 'maps/',
  attributions: 'attributions/',
  models: 'models/',
  reports: 'reports/',
  labels: 'labels/',
} as const;

/** Accepted upload suffixes (S3 notification filter and local ingest). */
export const FITS_SUFFIXES = ['.fits', '.fits.gz', '.fit', '.fts'] as const;

/** Size limits on every input. */
export const LIMITS = {
  /** Largest FITS object accepted, compressed or not, and the inflate ceiling for gzip. */
  maxFitsBytes: 64 * 1024 * 1024,
  /** Largest labels catalogue accepted. */
  maxCatalogBytes: 16 * 1024 * 1024,
  /** Receives before a message is dead-lettered (SQS maxReceiveCount). */
  maxReceiveCount: 3,
  /** Largest queue message body (SQS: 256 KiB). */
  maxMessageBytes: 256 * 1024,
  /** Messages per send/receive/delete call (SQS batch ceiling). */
  maxQueueBatch: 10,
  /** Longest long poll (SQS: 20 s). */
  maxWaitSeconds: 20,
} as const;

/** Logical resource names; the CDK app and the local provisioner derive physical names from them. */
export const RESOURCES = {
  ingestQueue: 'ingest',
  classifyQueue: 'classify',
  resultsTable: 'results',
  /** GSI: class + model version, sorted by probability. */
  byClassIndex: 'gsi1-class-model',
  /** GSI: status + run, sorted by time. */
  byStatusIndex: 'gsi2-status-run',
  /** The data bucket (physical name only where galspin names it: the local provisioner). */
  dataBucket: 'data',
} as const;

/** A queue's dead-letter queue is named `<queue name><DEAD_LETTER_SUFFIX>` (CDK and provisioner). */
export const DEAD_LETTER_SUFFIX = '-dlq';

/** Timing contract between queues and their consumers, in seconds. */
export const TIMEOUTS = {
  preprocessLambdaSeconds: 60,
  /** SQS guidance: visibility ≥ 6 × Lambda timeout for event-source mappings. */
  ingestVisibilitySeconds: 360,
  classifyVisibilitySeconds: 300,
  workerStopTimeoutSeconds: 120,
  longPollSeconds: 20,
} as const;

export function physicalName(env: string, logical: string): string {
  return `galspin-${env}-${logical}`;
}
