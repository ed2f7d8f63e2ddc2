import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fateOf, GalspinError, PermanentInputError, TransientError } from './errors.ts';
import { FitsError } from './fits/index.ts';
import { ModelNotFoundError } from './pipeline/errors.ts';
import { MapConflictError } from './pipeline/ingest.ts';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('error bases', () => {
  it('every error class galspin defines extends GalspinError (through one of its bases)', () => {
    const direct: string[] = [];
    for (const dir of ['src', 'lambdas', 'gpu-tasks', 'cdk']) {
      for (const file of sources(dir)) {
        for (const m of readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g))
          direct.push(m[1]);
      }
    }
    // GalspinError is the root; FitsProblem is the FITS reader's internal signal, always rethrown
    // as a FitsError naming the file and the HDU.
    expect(direct.sort()).toEqual(['FitsProblem', 'GalspinError']);
  });

  it('decides a file’s fate from the class alone', () => {
    expect(fateOf(new FitsError('a.fits', 'bad'))).toBe('rejected');
    expect(fateOf(new MapConflictError('a.fits: conflict'))).toBe('rejected');
    expect(fateOf(new TransientError('throttled'))).toBe('retry');
    expect(fateOf(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('retry');
    expect(fateOf(Object.assign(new Error('SlowDown'), { $metadata: { httpStatusCode: 503 } }))).toBe(
      'retry',
    );
    expect(fateOf(new ModelNotFoundError('no model v9'))).toBe('failed');
    expect(fateOf(new RangeError('The number 1.5 cannot be converted to a BigInt'))).toBe('failed');
    expect(new FitsError('a.fits', 'bad')).toBeInstanceOf(PermanentInputError);
    expect(new ModelNotFoundError('x')).toBeInstanceOf(GalspinError);
  });
});
