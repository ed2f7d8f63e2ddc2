/** The ResultIndex contract, run against the SQLite index and DynamoDB on moto. */
import { describe, expect, it } from 'vitest';
import type { ClassifiedResult, ResultRow, SourceRow } from '../../src/config/index.ts';
import { CursorError, type Page, type ResultIndex } from '../../src/ports/storage.ts';

const T0 = Date.parse('2026-11-25T19:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

export function classified(
  galaxyId: string,
  p: number,
  over: Partial<ClassifiedResult> = {},
): ClassifiedResult {
  const modelVersion = over.modelVersion ?? 'm1';
  return {
    galaxyId,
    modelVersion,
    runId: 'run-1',
    sourceKey: `incoming/${galaxyId}.fits`,
    updatedAt: at(0),
    status: 'CLASSIFIED',
    probability: p,
    class: p >= 0.95 ? 'fast' : p <= 0.05 ? 'slow' : 'uncertain',
    uncertainty: { mean: p, std: 0.01, passes: 10 },
    moransI: 0.7,
    attributionKeys: {
      array: `attributions/${modelVersion}/${galaxyId}.npy`,
      png: `attributions/${modelVersion}/${galaxyId}.png`,
    },
    timings: { infer: 1.5, ig: 4 },
    ...over,
  };
}

function source(sourceKey: string, over: Partial<SourceRow> = {}): SourceRow {
  return { sourceKey, status: 'QUEUED', runId: 'run-1', updatedAt: at(0), ...over };
}

async function all<T>(fetch: (cursor?: string) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
    if (pages > 100) throw new Error('pagination does not terminate');
  } while (cursor);
  return { items, pages };
}

export function resultIndexContract(name: string, make: () => Promise<ResultIndex>): void {
  describe(`ResultIndex contract: ${name}`, () => {
    it('keeps one row per (galaxy, model): a redelivery overwrites, an older write is ignored', async () => {
      const ix = await make();
      expect(await ix.putResult(classified('g1', 0.97))).toBe(true);
      expect(await ix.putResult(classified('g1', 0.98, { updatedAt: at(5) }))).toBe(true);
      expect(await ix.putResult(classified('g1', 0.2, { updatedAt: at(1) }))).toBe(false);
      expect(await ix.putResult(classified('g1', 0.99, { modelVersion: 'm2' }))).toBe(true);
      const g = await ix.getGalaxy('g1');
      expect(g.results.map((r) => [r.modelVersion, r.status === 'CLASSIFIED' && r.probability])).toEqual([
        ['m1', 0.98],
        ['m2', 0.99],
      ]);
      expect(await ix.getResult('g1', 'm1')).toEqual(classified('g1', 0.98, { updatedAt: at(5) }));
      expect(await ix.getResult('g1', 'm3')).toBeUndefined();
      const byClass = await ix.queryByClass({ class: 'fast', modelVersion: 'm1' });
      expect(byClass.items.map((r) => r.galaxyId)).toEqual(['g1']);
    });

    it('moves a re-classified row between class partitions', async () => {
      const ix = await make();
      await ix.putResult(classified('g2', 0.5));
      await ix.putResult(classified('g2', 0.01, { updatedAt: at(1) }));
      expect((await ix.queryByClass({ class: 'uncertain', modelVersion: 'm1' })).items).toEqual([]);
      expect(
        (await ix.queryByClass({ class: 'slow', modelVersion: 'm1' })).items.map((r) => r.galaxyId),
      ).toEqual(['g2']);
    });

    it('queries class + model sorted by probability, within bounds, page by page', async () => {
      const ix = await make();
      const ps = [0.951, 0.999, 0.96, 0.97, 1, 0.955, 0.98];
      for (const [i, p] of ps.entries()) await ix.putResult(classified(`f${i}`, p));
      await ix.putResult(classified('other-model', 0.99, { modelVersion: 'm2' }));
      await ix.putResult(classified('s1', 0.01));
      const asc = await all((cursor) =>
        ix.queryByClass({ class: 'fast', modelVersion: 'm1', limit: 2, cursor }),
      );
      expect(asc.items.map((r) => (r as ClassifiedResult).probability)).toEqual(
        [...ps].sort((a, b) => a - b),
      );
      expect(asc.pages).toBeGreaterThanOrEqual(4);
      const desc = await all((cursor) =>
        ix.queryByClass({ class: 'fast', modelVersion: 'm1', descending: true, limit: 3, cursor }),
      );
      expect(desc.items.map((r) => r.galaxyId)).toEqual(asc.items.map((r) => r.galaxyId).reverse());
      const range = await all((cursor) =>
        ix.queryByClass({
          class: 'fast',
          modelVersion: 'm1',
          minProbability: 0.96,
          maxProbability: 0.98,
          cursor,
        }),
      );
      expect(range.items.map((r) => (r as ClassifiedResult).probability)).toEqual([0.96, 0.97, 0.98]);
    });

    it('refuses a cursor from another query', async () => {
      const ix = await make();
      for (const [i, p] of [0.96, 0.97, 0.98].entries()) await ix.putResult(classified(`c${i}`, p));
      const page = await ix.queryByClass({ class: 'fast', modelVersion: 'm1', limit: 1 });
      expect(page.cursor).toBeDefined();
      await expect(
        ix.queryByClass({ class: 'slow', modelVersion: 'm1', limit: 1, cursor: page.cursor }),
      ).rejects.toBeInstanceOf(CursorError);
      await expect(
        ix.queryByClass({ class: 'fast', modelVersion: 'm1', cursor: 'garbage' }),
      ).rejects.toBeInstanceOf(CursorError);
    });

    it('queries results by status and run, ordered by time', async () => {
      const ix = await make();
      const failed = (g: string, runId: string, s: number): ResultRow => ({
        galaxyId: g,
        modelVersion: 'm1',
        runId,
        sourceKey: `incoming/${g}.fits`,
        updatedAt: at(s),
        status: 'FAILED',
        reason: 'dead-lettered after 3 receives',
      });
      await ix.putResult(failed('a', 'run-2', 3));
      await ix.putResult(failed('b', 'run-1', 2));
      await ix.putResult(failed('c', 'run-2', 1));
      await ix.putResult(classified('d', 0.99, { runId: 'run-2' }));
      const run2 = await all((cursor) =>
        ix.queryResultsByStatus({ status: 'FAILED', runId: 'run-2', limit: 1, cursor }),
      );
      expect(run2.items.map((r) => r.galaxyId)).toEqual(['c', 'a']);
      const anyRun = await ix.queryResultsByStatus({ status: 'FAILED' });
      expect(anyRun.items.map((r) => r.galaxyId).sort()).toEqual(['a', 'b', 'c']);
      expect((await ix.queryResultsByStatus({ status: 'CLASSIFIED', runId: 'run-1' })).items).toEqual([]);
      // A run id that is a prefix of another does not leak into it.
      await ix.putResult(failed('e', 'run-22', 1));
      expect((await ix.queryResultsByStatus({ status: 'FAILED', runId: 'run-2' })).items.length).toBe(2);
    });

    it('keeps exactly one row per upload; a redelivered event cannot undo a final status', async () => {
      const ix = await make();
      const key = 'incoming/run 1/9008500001_A.fits';
      expect(await ix.putSourceStatus(source(key, { etag: 'e1', galaxyId: '9008500001' }))).toBe(true);
      expect(
        await ix.putSourceStatus(
          source(key, { etag: 'e1', galaxyId: '9008500001', status: 'CLASSIFIED', updatedAt: at(2) }),
        ),
      ).toBe(true);
      expect(
        await ix.putSourceStatus(source(key, { etag: 'e1', galaxyId: '9008500001', updatedAt: at(3) })),
      ).toBe(false);
      expect(await ix.getSource(key)).toMatchObject({ status: 'CLASSIFIED', galaxyId: '9008500001' });
      // A new version of the object (new etag) starts over.
      expect(
        await ix.putSourceStatus(source(key, { etag: 'e2', galaxyId: '9008500001', updatedAt: at(4) })),
      ).toBe(true);
      expect((await ix.getSource(key))?.status).toBe('QUEUED');
      // FAILED (dead-lettered) can be re-queued by a redrive.
      await ix.putSourceStatus(
        source(key, { etag: 'e2', galaxyId: '9008500001', status: 'FAILED', reason: 'dlq' }),
      );
      expect(
        await ix.putSourceStatus(source(key, { etag: 'e2', galaxyId: '9008500001', updatedAt: at(6) })),
      ).toBe(true);
      expect(await ix.getSource('incoming/missing.fits')).toBeUndefined();
    });

    it('lists uploads by status and run, and a galaxy lists its uploads', async () => {
      const ix = await make();
      await ix.putSourceStatus(
        source('incoming/bad.fits', { status: 'REJECTED', reason: 'not a FITS file' }),
      );
      await ix.putSourceStatus(
        source('incoming/g7_v.fits', { galaxyId: 'g7', product: 'velocity', updatedAt: at(1) }),
      );
      await ix.putSourceStatus(
        source('incoming/g7_d.fits', {
          galaxyId: 'g7',
          product: 'dispersion',
          status: 'CLASSIFIED',
          updatedAt: at(2),
        }),
      );
      await ix.putSourceStatus(
        source('incoming/x.fits', { runId: 'run-9', status: 'REJECTED', reason: 'empty' }),
      );
      const rejected = await ix.querySourcesByStatus({ status: 'REJECTED', runId: 'run-1' });
      expect(rejected.items).toEqual([
        expect.objectContaining({ sourceKey: 'incoming/bad.fits', reason: 'not a FITS file' }),
      ]);
      expect((await ix.querySourcesByStatus({ status: 'REJECTED' })).items.length).toBe(2);
      await ix.putResult(classified('g7', 0.5));
      const g = await ix.getGalaxy('g7');
      expect(g.sources.map((s) => s.sourceKey)).toEqual(['incoming/g7_d.fits', 'incoming/g7_v.fits']);
      expect(g.results.length).toBe(1);
      expect(await ix.getGalaxy('nobody')).toEqual({ galaxyId: 'nobody', results: [], sources: [] });
    });

    it('validates rows on the way in', async () => {
      const ix = await make();
      await expect(ix.putResult({ ...classified('bad', 0.5), probability: 2 })).rejects.toThrow();
      await expect(ix.putSourceStatus(source('incoming/y.fits', { runId: 'a#b' }))).rejects.toThrow();
    });
  });
}
