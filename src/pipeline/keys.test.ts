import { describe, expect, it } from 'vitest';
import { identifyObject } from './identity.ts';
import { decodeS3Key, dispersionSibling, isFitsKey, velocitySibling } from './keys.ts';

describe('object keys', () => {
  it('decodes S3 notification keys: + is a space, then percent-decoding', () => {
    expect(decodeS3Key('incoming/my+survey/a%2Bb%20c.fits')).toBe('incoming/my survey/a+b c.fits');
  });

  it('identifies SAMI DR2/DR3 and MaNGA products from file names', () => {
    expect(identifyObject('incoming/105420_stellar-velocity_default_two-moment.fits')).toEqual({
      galaxyId: '105420',
      product: 'velocity',
    });
    expect(
      identifyObject('incoming/x/9008500001_A_stellar-velocity-dispersion_default_two-moment.fits'),
    ).toEqual({
      galaxyId: '9008500001',
      product: 'dispersion',
    });
    expect(identifyObject('incoming/manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz')).toEqual({
      galaxyId: '7815-3702',
      product: 'maps',
    });
    expect(identifyObject('incoming/weird name!.fits').galaxyId).toBe('weird_name_');
  });

  it('pairs velocity and dispersion products', () => {
    const v = 'incoming/1_A_stellar-velocity_default_two-moment.fits';
    const d = dispersionSibling(v);
    expect(d).toBe('incoming/1_A_stellar-velocity-dispersion_default_two-moment.fits');
    expect(velocitySibling(d as string)).toBe(v);
    expect(dispersionSibling('incoming/other.fits')).toBeUndefined();
  });

  it('recognises FITS suffixes case-insensitively', () => {
    expect(isFitsKey('a/B.FITS.GZ')).toBe(true);
    expect(isFitsKey('a/labels.csv')).toBe(false);
  });
});
