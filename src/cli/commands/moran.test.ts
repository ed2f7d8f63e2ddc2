import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGalspin } from '../../../test/support/run-cli.ts';
import { loadKinematicMap } from '../../maps/load.ts';
import { moranOfMap } from '../../maps/moran-of-map.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/fits');
const SAMI = join(FIXTURES, '105420_stellar-velocity_default_two-moment.fits');

const run = runGalspin;

afterEach(() => vi.restoreAllMocks());

describe('galspin moran', () => {
  it('prints one JSON line per map with I, z and p values matching moranOfMap', async () => {
    const r = await run(['moran', SAMI, '--format', 'jsonl', '--permutations', '99', '--seed', '3']);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.out.trim());
    const direct = moranOfMap(await loadKinematicMap(SAMI), { permutations: 99, seed: 3 });
    expect(line.galaxy_id).toBe('105420');
    expect(line.n).toBe(348);
    expect(line.moran_i).toBe(direct.I);
    expect(line.p_sim).toBe(direct.pPermutation);
    // a rotating galaxy: strongly autocorrelated, beats every permutation
    expect(line.moran_i).toBeGreaterThan(0.8);
    expect(line.p_sim).toBeCloseTo(0.01, 12);
  });

  it('names an unusable file on stderr, goes on, and exits 1', async () => {
    const r = await run(['moran', join(FIXTURES, 'arange.fits'), SAMI, '--format', 'csv']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/arange\.fits: not a SAMI/);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('source_file,galaxy_id,survey,region,weights,n,moran_i,expected,z,p_norm,p_sim');
    expect(lines).toHaveLength(2);
  });

  it('rejects a bad --weights with a usage error', async () => {
    const r = await run(['moran', SAMI, '--weights', 'bishop']);
    expect(r.code).toBe(2);
  });
});
