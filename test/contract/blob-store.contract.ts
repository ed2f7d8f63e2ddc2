/** The BlobStore contract, run against every adapter (embedded folder, S3 on moto). */
import { describe, expect, it } from 'vitest';
import {
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  BlobTooLargeError,
} from '../../src/ports/storage.ts';

async function collect(it: AsyncIterable<BlobInfo>): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Deterministic bytes so a range read can be checked against the source. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

export function blobStoreContract(name: string, make: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    it('puts and gets bytes and text; head reports the size; overwrite replaces', async () => {
      const s = await make();
      const bytes = pattern(1000);
      await s.put('maps/g1.bin', bytes, { contentType: 'application/octet-stream' });
      expect(await s.get('maps/g1.bin')).toEqual(bytes);
      await s.put('maps/g1.json', '{"a":"é"}', { contentType: 'application/json' });
      expect(new TextDecoder().decode(await s.get('maps/g1.json'))).toBe('{"a":"é"}');
      expect(await s.head('maps/g1.json')).toMatchObject({ key: 'maps/g1.json', size: 10 });
      await s.put('maps/g1.json', 'x');
      expect(await s.head('maps/g1.json')).toMatchObject({ size: 1 });
      expect(new TextDecoder().decode(await s.get('maps/g1.json'))).toBe('x');
    });

    it('answers undefined / BlobNotFoundError for a missing key', async () => {
      const s = await make();
      expect(await s.head('nope/x.fits')).toBeUndefined();
      await expect(s.get('nope/x.fits')).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(s.getRange('nope/x.fits', 0, 9)).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('reads byte ranges, clamping a range that runs past the end', async () => {
      const s = await make();
      const bytes = pattern(5000);
      await s.put('incoming/r.fits', bytes);
      expect(await s.getRange('incoming/r.fits', 0, 2879)).toEqual(bytes.slice(0, 2880));
      expect(await s.getRange('incoming/r.fits', 4000, 4009)).toEqual(bytes.slice(4000, 4010));
      expect(await s.getRange('incoming/r.fits', 4990, 9999)).toEqual(bytes.slice(4990));
    });

    it('refuses an object over maxBytes with BlobTooLargeError naming key and sizes', async () => {
      const s = await make();
      await s.put('incoming/big.fits', pattern(4096));
      const err = await s.get('incoming/big.fits', { maxBytes: 4095 }).catch((e) => e);
      expect(err).toBeInstanceOf(BlobTooLargeError);
      expect(err).toMatchObject({ key: 'incoming/big.fits', size: 4096, maxBytes: 4095 });
      expect((await s.get('incoming/big.fits', { maxBytes: 4096 })).length).toBe(4096);
    });

    it('lists by string prefix in key order, with sizes', async () => {
      const s = await make();
      for (const k of [
        'incoming/b/2.fits',
        'incoming/a.fits',
        'incoming/b/1.fits',
        'incoming2/x.fits',
        'maps/a.json',
      ]) {
        await s.put(k, k);
      }
      const all = await collect(s.list('incoming/'));
      expect(all.map((b) => b.key)).toEqual(['incoming/a.fits', 'incoming/b/1.fits', 'incoming/b/2.fits']);
      expect(all[0].size).toBe('incoming/a.fits'.length);
      expect((await collect(s.list('incoming'))).map((b) => b.key)).toContain('incoming2/x.fits');
      expect((await collect(s.list('incoming/b/'))).length).toBe(2);
      expect(await collect(s.list('nothing/'))).toEqual([]);
    });

    it('keeps keys with spaces, plus signs and non-ASCII intact', async () => {
      const s = await make();
      const key = 'incoming/run 1/9008500001_A+b (é).fits';
      await s.put(key, 'x');
      expect((await s.head(key))?.size).toBe(1);
      expect((await collect(s.list('incoming/run 1/'))).map((b) => b.key)).toEqual([key]);
    });

    it('round-trips an object larger than one multipart part (6 MiB)', async () => {
      const s = await make();
      const bytes = pattern(6 * 1024 * 1024 + 17);
      await s.put('models/m1/weights.bin', bytes);
      expect((await s.head('models/m1/weights.bin'))?.size).toBe(bytes.length);
      const back = await s.get('models/m1/weights.bin');
      expect(back.length).toBe(bytes.length);
      expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
    });
  });
}
