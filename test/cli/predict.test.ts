/** `galspin predict` on bad input, as a user runs it: one stderr line naming the path, exit 1. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SAMI = 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits';
const dir = mkdtempSync(join(tmpdir(), 'galspin-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function galspin(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/galspin.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('galspin predict', () => {
  it('names a folder that holds no model', () => {
    const r = galspin('predict', SAMI, '--model', join(dir, 'nomodel'));
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(
      `galspin: ${join(dir, 'nomodel')}: neither a model folder (model.json) nor a store with champion.json`,
    );
    expect(r.stdout).toBe('');
  });

  it('names a truncated FITS file and prints no predictions', () => {
    const broken = join(dir, 'broken.fits');
    writeFileSync(broken, readFileSync(join(ROOT, SAMI)).subarray(0, 5000));
    const r = galspin('predict', broken, '--model', 'models');
    expect(r.code).toBe(1);
    expect(
      r.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('galspin:')),
    ).toEqual([
      `galspin: ${broken}: HDU 0 data runs past the end of the file (needs 20000 bytes at byte 2880, file has 5000)`,
    ]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });
});
