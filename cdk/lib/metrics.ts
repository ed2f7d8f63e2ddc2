/**
 * Pipeline metrics, derived by CloudWatch metric filters from the shells' structured JSON logs
 * (src/pipeline's events, written by Powertools' Logger in every shell: src/app/service-logger.ts).
 * No PutMetricData calls and no monitoring endpoint in the VPC; the log messages below are the
 * contract.
 */
export const metricsNamespace = (environment: string): string => `Galspin/${environment}`;

export interface LogMetric {
  readonly metricName: string;
  /** The `message` of the log event counted or measured. */
  readonly message: string;
  /** Numeric JSON field to publish, or undefined to count events. */
  readonly valueField?: string;
  readonly unit: 'Count' | 'Milliseconds';
  /** Which log group the event is written to. */
  readonly source: 'preprocess' | 'infer-worker';
}

export const LOG_METRICS = {
  /** An upload accepted, preprocessed to maps/ and queued (src/pipeline/ingest.ts). */
  filesIngested: { metricName: 'FilesIngested', message: 'queued', unit: 'Count', source: 'preprocess' },
  /** An upload rejected with a reason (src/pipeline/ingest.ts). */
  filesRejected: { metricName: 'FilesRejected', message: 'rejected', unit: 'Count', source: 'preprocess' },
  /** Galaxies completed by one worker batch (src/pipeline/worker.ts, field `done`). */
  galaxiesClassified: {
    metricName: 'GalaxiesClassified',
    message: 'batch',
    valueField: 'done',
    unit: 'Count',
    source: 'infer-worker',
  },
  /** Wall time of one worker batch (src/pipeline/worker.ts, field `ms`). */
  batchLatency: {
    metricName: 'BatchLatency',
    message: 'batch',
    valueField: 'ms',
    unit: 'Milliseconds',
    source: 'infer-worker',
  },
} as const satisfies Record<string, LogMetric>;
