/**
 * The deployment shells' logger (the Lambdas and the ECS tasks alike): Powertools for AWS Lambda's
 * Logger, one JSON object per line with `level`, `message`, `timestamp` and `service`, and the
 * event's fields at the top level, where cdk/lib/metrics.ts's metric filters read `message`, `done`
 * and `ms`. Debug and info go to stdout, warnings and errors to stderr; POWERTOOLS_LOG_LEVEL sets
 * the level (default INFO).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { PipelineLogger } from '../ports/logger.ts';

/**
 * The services' {@link PipelineLogger} over a Powertools Logger for `serviceName`. Powertools takes
 * its extra fields as a rest parameter, so an event without fields is passed `{}`, never undefined.
 */
export function serviceLogger(serviceName: string): PipelineLogger {
  const logger = new Logger({ serviceName });
  return {
    debug: (message, fields) => logger.debug(message, fields ?? {}),
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}
