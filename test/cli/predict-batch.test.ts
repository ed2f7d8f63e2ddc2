/** `galspin predict` on a folder of mixed files: the maps are classified, the rest named and skipped. */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGalspin } from '../support/run-cli.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/fits');

afterEach(() => vi.restoreAllMocks());

describe('galspin predict FOLDER', () => {
  it('classifies the two maps among the fixtures, warns per foreign file and names them all at the end', async () => {
    const r = await runGalspin([
      'predict',
      FIX,
      '--model',
      join(ROOT, 'models'),
      '--passes',
      '0',
      '--format',
      'jsonl',
    ]);
    expect(r.code).toBe(1);
    const rows = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.galaxy_id)).toEqual(['105420', '7815-3702']);
    expect(Object.keys(rows[0])).toEqual([
      'galaxy_id',
      'source_file',
      'dispersion_file',
      'p_fast',
      'p_fast_mean',
      'p_fast_std',
      'n_passes',
      'class',
      'ood',
      'ood_distance',
      'lambda_re',
      'ellipticity',
      'moran_i',
      'input_kind',
      'model_version',
      'note',
    ]);
    const lines = r.err.split('\n').filter((l) => l.startsWith('galspin: '));
    expect(lines).toContain(
      `galspin: ${join(FIX, '136602_stellar-velocity-dispersion_default_two-moment.fits')}: a stellar-velocity-dispersion product without its stellar-velocity file`,
    );
    expect(lines).toContain(
      `galspin: ${join(FIX, 'arange.fits')}: not a SAMI stellar-velocity product (no VEL_ERR, CATID or SAMI file name)`,
    );
    const summary = lines.find((l) => l.startsWith('galspin: skipped '));
    expect(summary).toMatch(/^galspin: skipped 9 of 11 inputs: /);
    expect(summary).toContain('arange.fits');
    expect(summary).toContain('136602_stellar-velocity-dispersion_default_two-moment.fits');
  });
});
