import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGalspin } from '../../../test/support/run-cli.ts';
import { readCatalogue } from '../../survey/catalogue.ts';

const run = runGalspin;

afterEach(() => vi.restoreAllMocks());

describe('galspin simulate', () => {
  it('writes the survey, and the same seed gives the same bytes', async () => {
    const a = await mkdtemp(join(tmpdir(), 'galspin-sim-'));
    const b = await mkdtemp(join(tmpdir(), 'galspin-sim-'));
    try {
      const r = await run([
        'simulate',
        '--out',
        a,
        '--n',
        '12',
        '--seed',
        '4',
        '--slow-fraction',
        '0.25',
        '--unknown',
        '3',
      ]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/9 fast, 3 slow, 3 unknown/);
      expect(r.out).toMatch(/cappellari2016/);
      expect(r.out).toMatch(/family analytic/);
      await run([
        'simulate',
        '--out',
        b,
        '--n',
        '12',
        '--seed',
        '4',
        '--slow-fraction',
        '0.25',
        '--unknown',
        '3',
      ]);
      const rows = await readCatalogue(join(a, 'catalogue.csv'));
      expect(rows).toHaveLength(15);
      expect((await readdir(join(a, 'fits'))).length).toBe(30);
      expect(await readFile(join(a, 'catalogue.csv'), 'utf8')).toBe(
        await readFile(join(b, 'catalogue.csv'), 'utf8'),
      );
      const f = rows[7].velocityFile;
      expect(Buffer.compare(await readFile(join(a, f)), await readFile(join(b, f)))).toBe(0);
    } finally {
      await rm(a, { recursive: true, force: true });
      await rm(b, { recursive: true, force: true });
    }
  });

  it('takes --stress and --family, and galspin audit reads the result (exit 0, --json)', async () => {
    const a = await mkdtemp(join(tmpdir(), 'galspin-sim-'));
    try {
      const r = await run([
        'simulate',
        '--out',
        a,
        '--n',
        '12',
        '--seed',
        '2',
        '--unknown',
        '0',
        '--slow-fraction',
        '0.5',
        '--stress',
        'small',
      ]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/6 fast, 6 slow, 0 unknown/);
      expect(r.out).toMatch(/stress small/);
      const rows = await readCatalogue(join(a, 'catalogue.csv'));
      expect(rows.every((row) => row.family === 'analytic' && row.reArcsec <= 2.5)).toBe(true);
      const audit = await run(['audit', '--data', a, '--folds', '3']);
      expect(audit.code).toBe(0);
      expect(audit.out).toMatch(/logistic/);
      expect(audit.out).toMatch(/boosted/);
      const json = await run(['audit', '--data', a, '--folds', '3', '--json']);
      expect(json.code).toBe(0);
      const parsed = JSON.parse(json.out);
      expect([parsed.fast, parsed.slow]).toEqual([6, 6]);
      expect(parsed.logistic.auc).toBeGreaterThanOrEqual(0);
    } finally {
      await rm(a, { recursive: true, force: true });
    }
    expect((await run(['simulate', '--out', '/tmp/x', '--family', 'nbody'])).code).toBe(2);
    expect((await run(['simulate', '--out', '/tmp/x', '--stress', 'hard'])).code).toBe(2);
  });

  it('refuses bad arguments with exit code 2', async () => {
    expect((await run(['simulate', '--out', '/tmp/x', '--n', '0'])).code).toBe(2);
    expect((await run(['simulate', '--out', '/tmp/x', '--slow-fraction', '1.5'])).code).toBe(2);
    expect((await run(['simulate', '--n', '5'])).code).toBe(2);
  });
});
