import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildToyModel } from '../../../test/support/attribution-testkit.ts';
import { runGalspin } from '../../../test/support/run-cli.ts';
import { parseFits } from '../../fits/index.ts';
import { readNpyFloat32 } from '../../formats/npy.ts';
import { loadKinematicMap, preprocessMap } from '../../maps/index.ts';
import { initBackend } from '../../model/backend.ts';
import { modelToArtifacts, writeModelDir } from '../../model/store.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/fits');
const SAMI = join(FIXTURES, '105420_stellar-velocity_default_two-moment.fits');
const MANGA = join(FIXTURES, 'manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz');

let dir: string;
let modelDir: string;

const run = runGalspin;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galspin-explain-'));
  const { tf } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  const model = buildToyModel(tf, 3);
  modelDir = join(dir, 'model');
  const artifacts = await modelToArtifacts(tf, model);
  await writeModelDir(modelDir, {
    ...artifacts,
    metrics: { modelVersion: 'toy-v1', test: { calibration: { temperature: 1 } } },
  });
  model.dispose();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => vi.restoreAllMocks());

describe('galspin explain', () => {
  it('writes .npy, FITS and PNG attribution maps that agree with each other and with completeness', async () => {
    const out = join(dir, 'ig');
    const r = await run([
      'explain',
      SAMI,
      MANGA,
      '--model',
      modelDir,
      '--out',
      out,
      '--steps',
      '16',
      '--format',
      'json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out);
    expect(rows.map((x: { galaxy_id: string }) => x.galaxy_id)).toEqual(['105420', '7815-3702']);
    const row = rows[0];
    expect(row.rule).toBe('gauss-legendre');
    expect(row.steps).toBe(16);

    const npy = readNpyFloat32(await readFile(join(out, '105420.ig.npy')));
    expect(npy.shape).toEqual([40, 40]);
    // Completeness as reported: the file's attributions sum to IGSUM, and the gap follows from it.
    const sum = npy.data.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(row.ig_sum, 2);
    const delta = row.logit - row.baseline_logit;
    expect(row.completeness_gap).toBeCloseTo(Math.abs(sum - delta) / Math.abs(delta), 3);
    // Zero baseline: masked spaxels (input 0) carry exactly zero attribution.
    const map = preprocessMap(await loadKinematicMap(SAMI));
    let masked = 0;
    for (let i = 0; i < 1600; i++) {
      if (map.input[i] === 0) {
        masked++;
        expect(Math.abs(npy.data[i])).toBe(0);
      }
    }
    expect(masked).toBeGreaterThan(100);

    const fits = parseFits(new Uint8Array(await readFile(join(out, '105420.ig.fits'))));
    const hdu = fits.hdus[0];
    expect(hdu.naxis).toEqual([40, 40]);
    expect(hdu.header.getString('CATID')).toBe('105420');
    expect(hdu.header.getString('MODELVER')).toBe('toy-v1');
    expect(hdu.header.getNumber('IGSTEPS')).toBe(16);
    expect(hdu.header.getNumber('LOGIT')).toBeCloseTo(row.logit, 5);
    const img = hdu.image();
    for (let i = 0; i < 1600; i++) expect(img[i]).toBe(npy.data[i]);

    const png = decode(await readFile(join(out, '105420.ig.png')));
    expect([png.width, png.height]).toEqual([320, 320]);
    const summary = JSON.parse(await readFile(join(out, 'explain.json'), 'utf8'));
    expect(summary.target).toBe('logit');
    expect(summary.maps).toHaveLength(2);
  });

  it('names an unusable file on stderr, explains the others, and exits 1', async () => {
    const out = join(dir, 'ig2');
    const r = await run([
      'explain',
      join(FIXTURES, 'arange.fits'),
      SAMI,
      '--model',
      modelDir,
      '--out',
      out,
      '--format',
      'csv',
      '--no-png',
      '--steps',
      '4',
    ]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/arange\.fits/);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('source_file,galaxy_id,p_fast,logit,baseline_logit,ig_sum,completeness_gap');
    expect(lines).toHaveLength(2);
    await expect(readFile(join(out, '105420.ig.png'))).rejects.toThrow();
    await expect(readFile(join(out, '105420.ig.npy'))).resolves.toBeDefined();
  });

  it('refuses a missing model folder and bad options with one line', async () => {
    const missing = await run(['explain', SAMI, '--model', join(dir, 'nope'), '--out', join(dir, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope/);
    const badSteps = await run([
      'explain',
      SAMI,
      '--model',
      modelDir,
      '--out',
      join(dir, 'x'),
      '--steps',
      '0',
    ]);
    expect(badSteps.code).toBe(2);
    const badRule = await run([
      'explain',
      SAMI,
      '--model',
      modelDir,
      '--out',
      join(dir, 'x'),
      '--rule',
      'simpson',
    ]);
    expect(badRule.code).toBe(2);
  });
});
