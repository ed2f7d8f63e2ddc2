import { describe, expect, it } from 'vitest';
import type { PipelineLogger } from '../ports/logger.ts';
import { quoteArg, relayLambdaLine } from './cli-ports.ts';

function recorder() {
  const got: [string, string, Record<string, unknown> | undefined][] = [];
  const at = (level: string) => (m: string, f?: Record<string, unknown>) => got.push([level, m, f]);
  const log: PipelineLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, got };
}

describe('relayLambdaLine', () => {
  it('hands a Powertools JSON line to the logger at its level, with its own fields only', () => {
    const { log, got } = recorder();
    relayLambdaLine(
      '{"level":"WARN","message":"rejected","timestamp":"2026-12-03T18:00:00.000Z","service":"galspin-preprocess","cold_start":true,"sampling_rate":0,"key":"incoming/x.fits"}',
      log,
    );
    relayLambdaLine('{"level":"CRITICAL","message":"boom"}', log);
    relayLambdaLine('not json', log);
    expect(got).toEqual([
      ['warn', 'rejected', { key: 'incoming/x.fits' }],
      ['error', 'boom', {}],
      ['info', 'not json', undefined],
    ]);
  });
});

describe('quoteArg', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(quoteArg('runs/state')).toBe('runs/state');
    expect(quoteArg('my runs')).toBe("'my runs'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
  });
});
