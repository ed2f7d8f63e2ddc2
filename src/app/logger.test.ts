import { describe, expect, it } from 'vitest';
import { cliLogger, formatLogLine } from './logger.ts';

function capture(settings: { format: 'text' | 'json'; verbose: boolean }) {
  const lines: string[] = [];
  const log = cliLogger('preprocess', settings, (l) => lines.push(l));
  log.debug('d');
  log.info('stored map', { key: 'maps/105420.npy', bytes: 42 });
  log.warn('rejected', { key: 'incoming/x.fits' });
  log.error('failed');
  return lines;
}

describe('cliLogger', () => {
  it('text: warnings and errors only, one human line each', () => {
    expect(capture({ format: 'text', verbose: false })).toEqual([
      'galspin: preprocess warn: rejected key=incoming/x.fits',
      'galspin: preprocess error: failed',
    ]);
  });

  it('--verbose: every level', () => {
    expect(capture({ format: 'text', verbose: true })).toHaveLength(4);
  });

  it('json: info and above, one JSON object per line with the fields', () => {
    const lines = capture({ format: 'json', verbose: false });
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({
      level: 'info',
      service: 'preprocess',
      message: 'stored map',
      key: 'maps/105420.npy',
      bytes: 42,
    });
    expect(Number.isNaN(Date.parse(first.time))).toBe(false);
  });

  it('formats non-string fields as JSON in text', () => {
    expect(
      formatLogLine('text', {
        level: 'warn',
        service: 's',
        message: 'm',
        fields: { n: 3, ok: false, u: undefined },
      }),
    ).toBe('galspin: s warn: m n=3 ok=false');
  });
});
