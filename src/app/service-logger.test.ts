import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceLogger } from './service-logger.ts';

/** The lines a logger call writes to stdout and stderr, parsed as JSON. */
function capture(emit: () => void): { out: Record<string, unknown>[]; err: Record<string, unknown>[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  emit();
  vi.restoreAllMocks();
  const parse = (text: string[]) =>
    text
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { out: parse(out), err: parse(err) };
}

describe('serviceLogger (Powertools)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the worker batch line with message, done and ms at the top level (the metric filters)', () => {
    const { out } = capture(() =>
      serviceLogger('galspin-infer-worker').info('batch', { n: 4, done: 3, retry: 1, ms: 812 }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      level: 'INFO',
      service: 'galspin-infer-worker',
      message: 'batch',
      n: 4,
      done: 3,
      retry: 1,
      ms: 812,
    });
    expect(Number.isNaN(Date.parse(String(out[0].timestamp)))).toBe(false);
  });

  it('logs an event without fields, and warnings and errors on stderr', () => {
    const { out, err } = capture(() => {
      const log = serviceLogger('galspin-train');
      log.info('started');
      log.warn('rejected', { key: 'incoming/x.fits', reason: 'truncated' });
      log.error('failed');
    });
    expect(out.map((l) => l.message)).toEqual(['started']);
    expect(err.map((l) => [l.level, l.message])).toEqual([
      ['WARN', 'rejected'],
      ['ERROR', 'failed'],
    ]);
    expect(err[0]).toMatchObject({ key: 'incoming/x.fits', reason: 'truncated' });
  });

  it('leaves debug out at the default level', () => {
    const { out, err } = capture(() => serviceLogger('galspin-preprocess').debug('record done', { n: 1 }));
    expect([...out, ...err]).toEqual([]);
  });
});
