/** The logging surface the services use; Powertools' Logger and the CLI's logger (src/app/logger.ts) both fit. */
export interface PipelineLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: PipelineLogger = { debug() {}, info() {}, warn() {}, error() {} };
