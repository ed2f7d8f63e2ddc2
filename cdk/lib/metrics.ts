/**
 * Custom metrics the shells publish (CloudWatch embedded metric format in their JSON logs, so no
 * PutMetricData call and no monitoring endpoint in the VPC). The dashboard reads these names.
 */
export const METRICS = {
  namespace: 'Galspin',
  /** Dimension carried by every custom metric. */
  dimension: 'Environment',
  /** Count: FITS uploads accepted and written to maps/ by preprocess. */
  filesIngested: 'FilesIngested',
  /** Count: uploads rejected with a reason (bad FITS, wrong product, too large). */
  filesRejected: 'FilesRejected',
  /** Count: galaxies with a result row written by the infer-worker. */
  galaxiesClassified: 'GalaxiesClassified',
  /** Milliseconds: one infer-worker batch, receive to delete (inference + IG + writes). */
  batchLatency: 'BatchLatency',
} as const;
