import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore, MemoryIndex, MemoryQueue } from '../../test/support/memory-ports.ts';
import { syntheticUpload } from '../app/synthetic-uploads.ts';
import { parseClassifyMessage } from '../config/index.ts';
import { decodeStoredMap } from '../formats/map-codec.ts';
import { currentMap } from './current-map.ts';
import { ingestObject, runIdForKey } from './ingest.ts';

const FIXTURES = 'test/fixtures/fits';
const SAMI_VELOCITY = '105420_stellar-velocity_default_two-moment.fits';

function setup() {
  const blobs = new MemoryBlobStore();
  const index = new MemoryIndex();
  const classifyQueue = new MemoryQueue({ visibilitySeconds: 30, maxReceiveCount: 3 });
  return { blobs, index, classifyQueue };
}

describe('ingest', () => {
  it('a real SAMI DR2 velocity map becomes a 40×40 map, a QUEUED row and one classify message', async () => {
    const deps = setup();
    const key = `incoming/run-1/${SAMI_VELOCITY}`;
    await deps.blobs.put(key, readFileSync(`${FIXTURES}/${SAMI_VELOCITY}`));
    const out = await ingestObject(deps, { bucket: 'b', key });
    expect(out).toMatchObject({ kind: 'queued', galaxyId: '105420' });
    const mapKey = (out as { mapKey: string }).mapKey;
    // The map is versioned by content: a hash of the file's bytes, so no other file overwrites it.
    expect(mapKey).toMatch(/^maps\/105420\/[0-9a-f]{16}\.bin$/);
    expect((await currentMap(deps.blobs, '105420'))?.mapKey).toBe(mapKey);
    const stored = decodeStoredMap(await deps.blobs.get(mapKey));
    expect(stored.meta.size).toBe(40);
    expect(stored.meta.sourceGrid).toMatchObject({ width: 50, height: 50 });
    expect(stored.meta.provenance.survey).toBe('SAMI');
    // A regular rotating disc: strongly autocorrelated velocity field (paper Fig. 6: fast 0.4–1.0).
    expect(stored.meta.science.moransI).toBeGreaterThan(0.4);
    expect(stored.meta.science.lambdaRe).toBeUndefined();
    const oracle = JSON.parse(readFileSync(`${FIXTURES}/ORACLE.json`, 'utf8'));
    // astropy: centred 40×40 crop, NaN → 0, km/s
    const centre = oracle[SAMI_VELOCITY].hdus[0].centre40;
    expect(stored.input.reduce((a, b) => a + b, 0)).toBeCloseTo(centre.sum_nan_to_0, 1);
    expect(stored.valid.reduce((a, b) => a + b, 0)).toBe(centre.nonzero);
    const row = await deps.index.getSource(key);
    expect(row).toMatchObject({ status: 'QUEUED', galaxyId: '105420', runId: 'run-1', product: 'velocity' });
    const [msg] = await deps.classifyQueue.receive({ maxMessages: 10, waitSeconds: 0 });
    const body = parseClassifyMessage(msg.body);
    expect(body).toMatchObject({ galaxyId: '105420', mapKey, runId: 'run-1' });
    expect(body.provenance.sourceKey).toBe(key);
  });

  it('a synthetic velocity map with its dispersion companion gets λRe, in either upload order', async () => {
    const deps = setup();
    const up = syntheticUpload('9000001', 'fast', 11);
    const vKey = `incoming/s/${up.velocity.name}`;
    const dKey = `incoming/s/${up.dispersion.name}`;
    // dispersion first: no velocity yet → rejected with the reason, pending its velocity map
    await deps.blobs.put(dKey, up.dispersion.bytes);
    const early = await ingestObject(deps, { bucket: 'b', key: dKey });
    expect(early.kind).toBe('rejected');
    expect((await deps.index.getSource(dKey))?.reason).toMatch(/without its velocity map/);
    await deps.blobs.put(vKey, up.velocity.bytes);
    const v = await ingestObject(deps, { bucket: 'b', key: vKey });
    expect(v.kind).toBe('queued');
    const current = async (d: typeof deps) => {
      const pointer = await currentMap(d.blobs, '9000001');
      return decodeStoredMap(await d.blobs.get(pointer?.mapKey as string));
    };
    const stored = await current(deps);
    expect(stored.meta.provenance.dispersionKey).toBe(dKey);
    expect(stored.meta.science.lambdaRe).toBeGreaterThan(0);
    expect(stored.meta.science.lambdaRe).toBeLessThan(1);
    expect((await deps.classifyQueue.depth()).visible).toBe(1);

    // velocity first, then its dispersion: the companion re-ingests the velocity map with λRe
    const other = setup();
    await other.blobs.put(vKey, up.velocity.bytes);
    await ingestObject(other, { bucket: 'b', key: vKey });
    expect((await current(other)).meta.science.lambdaRe).toBeUndefined();
    await other.blobs.put(dKey, up.dispersion.bytes);
    const late = await ingestObject(other, { bucket: 'b', key: dKey });
    expect(late).toMatchObject({ kind: 'companion', velocityKey: vKey, galaxyId: '9000001' });
    const redone = await current(other);
    expect(redone.meta.science.lambdaRe).toBeCloseTo(stored.meta.science.lambdaRe as number, 12);
    expect((await other.index.getSource(dKey))?.status).toBe('QUEUED');
    expect((await other.classifyQueue.depth()).visible).toBe(2);
  });

  it('bad files become REJECTED rows with a one-line reason naming the key, and send nothing', async () => {
    const deps = setup();
    const cases: [string, Uint8Array | string, RegExp][] = [
      [
        'incoming/bad/truncated_stellar-velocity_default_two-moment.fits',
        readFileSync(`${FIXTURES}/${SAMI_VELOCITY}`).subarray(0, 4000),
        /truncated|short|end|block/i,
      ],
      ['incoming/bad/notes.txt', 'hello', /not a FITS file/],
      ['incoming/bad/garbage.fits', 'SIMPLE  = nonsense', /garbage\.fits/],
      ['incoming/bad/table-only.fits', readFileSync(`${FIXTURES}/testprog.std`), /table-only\.fits/],
    ];
    for (const [key, body, reason] of cases) {
      await deps.blobs.put(key, body);
      const out = await ingestObject(deps, { bucket: 'b', key });
      expect(out.kind, key).toBe('rejected');
      const row = await deps.index.getSource(key);
      expect(row?.status).toBe('REJECTED');
      expect(row?.reason).toMatch(reason);
      expect(row?.reason).not.toContain('\n');
    }
    expect((await deps.classifyQueue.depth()).visible).toBe(0);
  });

  it('a redelivered event for an already-final object version is skipped', async () => {
    const deps = setup();
    const key = 'incoming/x/notes.txt';
    await deps.blobs.put(key, 'x');
    await ingestObject(deps, { bucket: 'b', key });
    expect(await ingestObject(deps, { bucket: 'b', key })).toMatchObject({
      kind: 'duplicate',
      status: 'REJECTED',
    });
  });

  it('transient storage errors are thrown for a retry, not recorded as rejections', async () => {
    const deps = setup();
    const key = `incoming/t/${SAMI_VELOCITY}`;
    await deps.blobs.put(key, readFileSync(`${FIXTURES}/${SAMI_VELOCITY}`));
    // Shaped as the AWS SDK throws it: a service error with $metadata is retried, never recorded.
    deps.blobs.put = async () => {
      throw Object.assign(new Error('ServiceUnavailable'), {
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      });
    };
    await expect(ingestObject(deps, { bucket: 'b', key })).rejects.toThrow(/ServiceUnavailable/);
    expect(await deps.index.getSource(key)).toBeUndefined();
  });

  it('two files claiming one CATID: the later, different one is REJECTED as a conflict; the first map stays', async () => {
    const deps = setup();
    const first = syntheticUpload('9000002', 'fast', 21);
    const other = syntheticUpload('9000002', 'slow', 22); // same CATID in its header, other content
    const firstKey = `incoming/a/${first.velocity.name}`;
    const otherKey = 'incoming/b/9000002-reprocessed.fits';
    await deps.blobs.put(firstKey, first.velocity.bytes);
    await deps.blobs.put(otherKey, other.velocity.bytes);
    const a = await ingestObject(deps, { bucket: 'b', key: firstKey });
    const b = await ingestObject(deps, { bucket: 'b', key: otherKey });
    expect(a.kind).toBe('queued');
    expect(b.kind).toBe('rejected');
    const row = await deps.index.getSource(otherKey);
    expect(row?.status).toBe('REJECTED');
    expect(row?.reason).toMatch(
      new RegExp(`^${otherKey}: galaxy 9000002 already has a map from ${firstKey.replace(/[.]/g, '\\.')}`),
    );
    const pointer = await currentMap(deps.blobs, '9000002');
    expect(pointer?.mapKey).toBe((a as { mapKey: string }).mapKey);
    expect(decodeStoredMap(await deps.blobs.get(pointer?.mapKey as string)).meta.provenance.sourceKey).toBe(
      firstKey,
    );
    expect((await deps.classifyQueue.depth()).visible).toBe(1);

    // The same bytes under another run folder are the same map version, not a conflict.
    const rerunKey = `incoming/rerun/${first.velocity.name}`;
    await deps.blobs.put(rerunKey, first.velocity.bytes);
    const c = await ingestObject(deps, { bucket: 'b', key: rerunKey });
    expect(c).toMatchObject({ kind: 'queued', mapKey: (a as { mapKey: string }).mapKey });
    // The same file name with changed bytes is a new version of that file, and moves the pointer.
    const changedKey = `incoming/fixed/${first.velocity.name}`;
    await deps.blobs.put(changedKey, other.velocity.bytes);
    const d = await ingestObject(deps, { bucket: 'b', key: changedKey });
    expect(d.kind).toBe('queued');
    expect((d as { mapKey: string }).mapKey).not.toBe((a as { mapKey: string }).mapKey);
    expect((await currentMap(deps.blobs, '9000002'))?.mapKey).toBe((d as { mapKey: string }).mapKey);
  });

  it('anything unexpected in one file becomes its FAILED row naming the file; a transient error on the last receive says dead-lettered', async () => {
    const deps = setup();
    const key = `incoming/t/${SAMI_VELOCITY}`;
    await deps.blobs.put(key, readFileSync(`${FIXTURES}/${SAMI_VELOCITY}`));
    const get = deps.blobs.get.bind(deps.blobs);
    deps.blobs.get = async () => {
      throw new RangeError('The number 1.5 cannot be converted to a BigInt');
    };
    const out = await ingestObject(deps, { bucket: 'b', key });
    expect(out.kind).toBe('rejected');
    const row = await deps.index.getSource(key);
    expect(row?.status).toBe('FAILED');
    expect(row?.reason).toBe(`${key}: RangeError: The number 1.5 cannot be converted to a BigInt`);

    const again = `incoming/u/${SAMI_VELOCITY}`;
    deps.blobs.get = get;
    await deps.blobs.put(again, readFileSync(`${FIXTURES}/${SAMI_VELOCITY}`));
    deps.blobs.get = async () => {
      throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
    };
    await expect(ingestObject(deps, { bucket: 'b', key: again }, { receiveCount: 2 })).rejects.toThrow(
      /ECONNRESET/,
    );
    expect(await deps.index.getSource(again)).toBeUndefined();
    await expect(
      ingestObject(deps, { bucket: 'b', key: again }, { receiveCount: 3, lastAttempt: true }),
    ).rejects.toThrow(/ECONNRESET/);
    const dead = await deps.index.getSource(again);
    expect(dead?.status).toBe('FAILED');
    expect(dead?.reason).toMatch(
      /ECONNRESET \(dead-lettered after 3 receives; galspin redrive retries it\)$/,
    );
  });

  it('run id is the first folder under incoming/', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    expect(runIdForKey('incoming/survey 7/a.fits', now)).toBe('survey-7');
    expect(runIdForKey('incoming/a.fits', now)).toBe('ingest-2026-11-25');
  });
});
