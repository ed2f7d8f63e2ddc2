/**
 * Preprocess Lambda: S3 ObjectCreated → ingest queue → this handler (SQS event source with
 * ReportBatchItemFailures). A thin shell: validate the environment once, create the clients once,
 * hand each record to src/pipeline/ingest-event.ts, and report failed records so only they retry.
 * Bundled without TensorFlow (scripts/measure-bundle.ts checks size and init time).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsPorts } from '../src/app/aws-ports.ts';
import { PreprocessEnv, parseEnv } from '../src/config/index.ts';
import type { IngestDeps } from '../src/pipeline/ingest.ts';
import { processIngestBody } from '../src/pipeline/ingest-event.ts';

const logger = new Logger({ serviceName: 'galspin-preprocess' });
const processor = new BatchProcessor(EventType.SQS);
let deps: IngestDeps | undefined;

/** Built on first use (not at import) so tests and the local bridge can set the environment first. */
function dependencies(): IngestDeps {
  if (!deps) {
    const env = parseEnv(PreprocessEnv);
    const ports = awsPorts(env);
    deps = {
      blobs: ports.blobs,
      index: ports.index,
      classifyQueue: ports.classifyQueue,
      log: {
        debug: (m, f) => logger.debug(m, f ?? {}),
        info: (m, f) => logger.info(m, f ?? {}),
        warn: (m, f) => logger.warn(m, f ?? {}),
        error: (m, f) => logger.error(m, f ?? {}),
      },
      preprocessor: process.env.GALSPIN_VERSION ?? 'galspin',
    };
  }
  return deps as IngestDeps;
}

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const outcomes = await processIngestBody(dependencies(), record.body, {
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
  });
  logger.debug('record done', { messageId: record.messageId, outcomes });
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  dependencies();
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
