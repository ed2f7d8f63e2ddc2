/**
 * Preprocess Lambda: S3 ObjectCreated → ingest queue → this handler (SQS event source with
 * ReportBatchItemFailures). A thin shell: dependencies from the validated environment
 * (src/app/ingest-from-env.ts), each record to src/pipeline/ingest-event.ts, failed records
 * reported so only they retry. Bundled without TensorFlow (scripts/measure-bundle.ts).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestDepsFromEnv } from '../src/app/ingest-from-env.ts';
import { serviceLogger } from '../src/app/service-logger.ts';
import { processIngestBody } from '../src/pipeline/ingest-event.ts';

const log = serviceLogger('galspin-preprocess');
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const outcomes = await processIngestBody(ingestDepsFromEnv(log), record.body, {
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
  });
  log.debug('record done', { messageId: record.messageId, outcomes });
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  // A bad environment fails the invocation here, rather than every record as a retryable failure.
  ingestDepsFromEnv(log);
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
