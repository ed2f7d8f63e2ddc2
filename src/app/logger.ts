import type { PipelineLogger } from '../ports/logger.ts';

/** How log lines are written on stderr: one human line, or one JSON object per event. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

/**
 * The CLI's log settings: GALSPIN_LOG_FORMAT (`--log-format` sets it; default text) and
 * GALSPIN_VERBOSE=1 (`--verbose` sets it).
 */
export function logSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  format: LogFormat;
  verbose: boolean;
} {
  const f = env.GALSPIN_LOG_FORMAT ?? 'text';
  return { format: isLogFormat(f) ? f : 'text', verbose: env.GALSPIN_VERBOSE === '1' };
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * One log event as a line: JSON (the shape CloudWatch and `jq` read) or text
 * (`galspin: SERVICE LEVEL: message key=value …`).
 */
export function formatLogLine(
  format: LogFormat,
  event: { level: string; service: string; message: string; time?: string; fields?: Record<string, unknown> },
): string {
  if (format === 'json')
    return JSON.stringify({
      level: event.level,
      service: event.service,
      time: event.time ?? new Date().toISOString(),
      message: event.message,
      ...event.fields,
    });
  const extra = Object.entries(event.fields ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `galspin: ${event.service} ${event.level}: ${event.message}${extra ? ` ${extra}` : ''}`;
}

/**
 * The CLI's logger: lines on stderr in the chosen format. Warnings and errors always; info and
 * debug (the per-message chatter of a pipeline run) with --verbose, or info when JSON is asked for.
 */
export function cliLogger(
  service: string,
  settings: { format: LogFormat; verbose: boolean } = logSettingsFromEnv(),
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): PipelineLogger {
  const min: Level = settings.verbose ? 'debug' : settings.format === 'json' ? 'info' : 'warn';
  const emit = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(min)) return;
    write(formatLogLine(settings.format, { level, service, message, fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
