/**
 * The preprocess Lambda's composition root: PreprocessEnv (validated by zod) → AWS ports →
 * {@link IngestDeps}. No TensorFlow and no SQLite here: the Lambda bundle holds this file.
 */
import { PreprocessEnv, parseEnv } from '../config/index.ts';
import type { IngestDeps } from '../pipeline/ingest.ts';
import type { PipelineLogger } from '../ports/logger.ts';
import { awsPorts } from './aws-ports.ts';

/** The ingest service's dependencies for a validated environment; creates the SDK clients. */
export function ingestDeps(env: PreprocessEnv, log: PipelineLogger): IngestDeps {
  const { blobs, index, classifyQueue } = awsPorts(env);
  return { blobs, index, classifyQueue, log, preprocessor: env.GALSPIN_VERSION };
}

let memo: IngestDeps | undefined;

/**
 * {@link ingestDeps} from `process.env`, built on the first call and reused after it (one set of
 * clients per Lambda container). Built on first use, not at import, so tests and the local bridge
 * can set the environment first. Throws EnvError naming every bad variable.
 */
export function ingestDepsFromEnv(log: PipelineLogger): IngestDeps {
  memo ??= ingestDeps(parseEnv(PreprocessEnv), log);
  return memo;
}
