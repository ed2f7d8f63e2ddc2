import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFits } from '../fits/index.ts';
import { headerGalaxyId, mapVersion, resolveGalaxyId, sameSourceFile, sanitiseGalaxyId } from './identity.ts';

const SAMI = 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits';

describe('galaxy identity', () => {
  it('reads CATID from a real SAMI header, and the header wins over the file name', () => {
    const fits = parseFits(readFileSync(SAMI), SAMI);
    expect(headerGalaxyId(fits)).toBe('105420');
    expect(resolveGalaxyId('incoming/x/999_stellar-velocity_default_two-moment.fits', '105420')).toEqual({
      galaxyId: '105420',
      from: 'header',
      fileNameDisagrees: '999',
    });
    expect(resolveGalaxyId('incoming/x/105420_stellar-velocity_default_two-moment.fits', '105420')).toEqual({
      galaxyId: '105420',
      from: 'header',
    });
  });

  it('falls back to the SAMI/MaNGA file name, then to the file stem', () => {
    expect(
      resolveGalaxyId('incoming/9008500001_A_stellar-velocity_default_two-moment.fits', undefined),
    ).toEqual({ galaxyId: '9008500001', from: 'file name' });
    expect(resolveGalaxyId('incoming/manga-7815-3702-MAPS-HYB10.fits.gz', '  ')).toEqual({
      galaxyId: '7815-3702',
      from: 'file name',
    });
    expect(resolveGalaxyId('incoming/my galaxy.fits', undefined)).toEqual({
      galaxyId: 'my_galaxy',
      from: 'file stem',
    });
  });

  it('sanitises once: path tricks and odd characters cannot become key segments', () => {
    expect(sanitiseGalaxyId('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(sanitiseGalaxyId('..')).toBe('_');
    expect(sanitiseGalaxyId('')).toBe('unnamed');
    expect(sanitiseGalaxyId('x'.repeat(300))).toHaveLength(128);
    expect(resolveGalaxyId('incoming/a.fits', '../105420').galaxyId).toBe('__105420');
  });

  it('versions a map by content: same bytes, same version; one changed byte or a companion, a new one', () => {
    const bytes = readFileSync(SAMI);
    const v = mapVersion(bytes);
    expect(v).toMatch(/^[0-9a-f]{16}$/);
    expect(mapVersion(Uint8Array.from(bytes))).toBe(v);
    const changed = Uint8Array.from(bytes);
    changed[changed.length - 1] ^= 1;
    expect(mapVersion(changed)).not.toBe(v);
    expect(mapVersion(bytes, new Uint8Array([1]))).not.toBe(v);
  });

  it('the same file name in another run folder is the same source file', () => {
    expect(sameSourceFile('incoming/run-1/a.fits', 'incoming/run-2/a.fits')).toBe(true);
    expect(sameSourceFile('incoming/run-1/a.fits', 'incoming/run-1/b.fits')).toBe(false);
  });
});
