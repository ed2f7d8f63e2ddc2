/** The logging surface the services use; Powertools' Logger and {@link consoleLogger} both fit. */
export interface PipelineLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: PipelineLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** JSON lines on stderr, one per event (the shape CloudWatch and `jq` both read). */
export function jsonLogger(
  service: string,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
): PipelineLogger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const emit = (lvl: keyof typeof order) => (message: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    process.stderr.write(
      `${JSON.stringify({ level: lvl, service, time: new Date().toISOString(), message, ...fields })}\n`,
    );
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
