/** `galspin inspect` as a user runs it: a real process on the real fixture files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const FIX = 'test/fixtures/fits';
const ORACLE = JSON.parse(readFileSync(join(ROOT, FIX, 'ORACLE.json'), 'utf8'));
const SAMI = `${FIX}/105420_stellar-velocity_default_two-moment.fits`;
const MANGA = `${FIX}/manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz`;

function galspin(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/galspin.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('galspin inspect', () => {
  it('--json prints one object per file per line, matching astropy', () => {
    const r = galspin('inspect', '--json', SAMI, `${FIX}/checksum.fits`, MANGA);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual([SAMI, `${FIX}/checksum.fits`, MANGA]);
    const sami = lines[0];
    expect(Object.keys(sami.hdus[0])).toEqual([
      'index',
      'extname',
      'type',
      'bitpix',
      'naxis',
      'nan',
      'finite',
      'min',
      'max',
      'sum',
    ]);
    const want = ORACLE['105420_stellar-velocity_default_two-moment.fits'].hdus;
    sami.hdus.forEach((h: Record<string, unknown>, i: number) => {
      expect(h).toMatchObject({
        index: i,
        extname: want[i].extname,
        type: 'image',
        bitpix: -64,
        naxis: [50, 50],
      });
      expect(h.nan).toBe(want[i].nan);
      expect(h.finite).toBe(want[i].finite);
      expect(h.min).toBe(want[i].min);
      expect(h.max).toBe(want[i].max);
      expect(Math.abs((h.sum as number) - want[i].sum)).toBeLessThan(1e-9 * Math.abs(want[i].sum));
    });
    expect(lines[1].hdus[1]).toEqual({
      index: 1,
      extname: 'RATE',
      type: 'bintable',
      bitpix: 8,
      naxis: [16, 5],
      nan: null,
      finite: null,
      min: null,
      max: null,
      sum: null,
    });
    expect(lines[2].hdus).toHaveLength(48);
    expect(lines[2].hdus[15]).toMatchObject({ extname: 'STELLAR_VEL', naxis: [42, 42], finite: 1764 });
  });

  it('prints a readable table by default', () => {
    const r = galspin('inspect', SAMI);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(SAMI);
    expect(lines[1]).toMatch(/^#\s+EXTNAME\s+TYPE\s+BITPIX\s+NAXIS\s+NaN\s+FINITE\s+MIN\s+MAX\s+SUM$/);
    expect(lines[2]).toMatch(
      /^0\s+PRIMARY\s+image\s+-64\s+50×50\s+2152\s+348\s+-119\.4221\s+180\.5822\s+3125\.606$/,
    );
    expect(lines.filter((l) => /^\d\s/.test(l))).toHaveLength(5);
  });

  it('reports an unreadable file on one stderr line, goes on, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-inspect-'));
    const broken = join(dir, 'broken.fits');
    writeFileSync(broken, readFileSync(join(ROOT, SAMI)).subarray(0, 5000));
    const r = galspin('inspect', '--json', broken, join(dir, 'missing.fits'), SAMI);
    expect(r.code).toBe(1);
    const errors = r.stderr.trimEnd().split('\n');
    expect(errors).toEqual([
      `galspin: ${broken}: HDU 0 data runs past the end of the file (needs 20000 bytes at byte 2880, file has 5000)`,
      `galspin: ${join(dir, 'missing.fits')}: no such file`,
      `galspin: skipped 2 of 3 inputs: ${broken}, ${join(dir, 'missing.fits')}`,
    ]);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]).file).toBe(SAMI);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has help with an example, and usage errors exit 2', () => {
    const help = galspin('inspect', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Example:');
    expect(help.stdout).toContain('galspin inspect');
    expect(galspin('inspect').code).toBe(2);
    expect(galspin('inspect', '--format', 'xml', SAMI).code).toBe(2);
  });
});

describe('galspin --lenient', () => {
  /** The SAMI fixture with one card slipped in before END (its header block has room for it). */
  function withCard(card: string): Buffer {
    const bytes = Buffer.from(readFileSync(join(ROOT, SAMI)));
    const text = bytes.subarray(0, 2880 * 4).toString('latin1');
    let end = -1;
    for (let at = 0; at < text.length; at += 80)
      if (text.startsWith('END     ', at) || text.slice(at, at + 80) === 'END'.padEnd(80)) {
        end = at;
        break;
      }
    expect(end % 2880).toBeLessThan(2880 - 80); // room for one more card in END's block
    bytes.write(card.padEnd(80), end, 'latin1');
    bytes.write('END'.padEnd(80), end + 80, 'latin1');
    return bytes;
  }

  it('refuses a float map with a BLANK by default, and reads it with --lenient, warning once and naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-lenient-'));
    try {
      const file = join(dir, 'blank.fits');
      writeFileSync(file, withCard('BLANK   =                  1.5'));
      const strict = galspin('inspect', file);
      expect(strict.code).toBe(1);
      expect(strict.stderr.trim().split('\n')).toHaveLength(1);
      expect(strict.stderr).toContain(`${file}: HDU 0`);
      expect(strict.stderr).toMatch(/BLANK/);
      const lenient = galspin('--lenient', 'inspect', '--json', file);
      expect(lenient.code, lenient.stderr).toBe(0);
      const warnings = lenient.stderr.trim().split('\n');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^galspin: ${file}: repaired: HDU 0 .*BLANK`));
      // The repaired read is the clean file's read: BLANK is ignored on float data.
      const clean = JSON.parse(galspin('inspect', '--json', SAMI).stdout);
      expect(JSON.parse(lenient.stdout).hdus).toEqual(clean.hdus);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
