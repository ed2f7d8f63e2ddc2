import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFitsFiles, loadMapInputs, MapInputError } from './map-files.ts';

const FIX = 'test/fixtures/fits';
const SAMI = `${FIX}/105420_stellar-velocity_default_two-moment.fits`;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galspin-dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('map inputs for predict', () => {
  it('loads a real SAMI DR2 velocity map as a centred 40×40 input with NaN → 0', async () => {
    const [m] = await loadMapInputs([SAMI]);
    expect(m.galaxyId).toBe('105420');
    expect(m.file).toBe(SAMI);
    expect(m.input).toHaveLength(1600);
    expect(m.input.every(Number.isFinite)).toBe(true);
    // A real rotating galaxy: both approaching and receding spaxels.
    expect(Math.min(...m.input)).toBeLessThan(-20);
    expect(Math.max(...m.input)).toBeGreaterThan(20);
  });

  it('walks folders for FITS suffixes only and pairs velocity with dispersion files', async () => {
    const files = await collectFitsFiles([FIX]);
    expect(files).toContain(SAMI);
    expect(files.some((f) => f.endsWith('ORACLE.json'))).toBe(false);
    expect(files.some((f) => f.endsWith('.fits.gz'))).toBe(true);
  });

  it('names the argument that does not exist or holds no FITS file', async () => {
    await expect(collectFitsFiles(['/no/such/place'])).rejects.toThrow(
      /\/no\/such\/place: no such file or folder/,
    );
    await writeFile(join(dir, 'notes.txt'), 'x');
    await expect(loadMapInputs([dir])).rejects.toThrow(MapInputError);
  });
});
