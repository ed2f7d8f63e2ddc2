import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedPorts } from '../app/embedded-ports.ts';
import type { ResultRow } from '../config/index.ts';
import { renderQuery, runQuery } from './query.ts';
import { handleQueryRequest, routeQuery } from './query-http.ts';

function row(galaxyId: string, p: number, cls: 'fast' | 'slow' | 'uncertain'): ResultRow {
  return {
    galaxyId,
    modelVersion: 'v1',
    runId: 'r1',
    sourceKey: `incoming/r1/${galaxyId}_stellar-velocity_default_two-moment.fits`,
    updatedAt: new Date().toISOString(),
    status: 'CLASSIFIED',
    probability: p,
    class: cls,
    uncertainty: { mean: p, std: 0.01, passes: 3 },
    moransI: 0.8,
    attributionKeys: { array: `attributions/v1/${galaxyId}.npy`, png: `attributions/v1/${galaxyId}.png` },
    timings: {},
  };
}

describe('query service on the embedded index', () => {
  it('pages a class sorted by probability, filters a range, and renders every format', async () => {
    const ports = embeddedPorts(mkdtempSync(join(tmpdir(), 'galspin-q-')));
    try {
      const ps = [0.99, 0.951, 0.97, 0.999, 0.96];
      for (const [i, p] of ps.entries()) await ports.index.putResult(row(`g${i}`, p, 'fast'));
      await ports.index.putResult(row('s1', 0.01, 'slow'));
      const first = await runQuery(ports, {
        kind: 'class',
        class: 'fast',
        modelVersion: 'v1',
        limit: 3,
        descending: true,
      });
      expect(first.rows.map((r) => (r as { probability: number }).probability)).toEqual([0.999, 0.99, 0.97]);
      expect(first.cursor).toBeDefined();
      const second = await runQuery(ports, {
        kind: 'class',
        class: 'fast',
        modelVersion: 'v1',
        limit: 3,
        descending: true,
        cursor: first.cursor,
      });
      expect(second.rows.map((r) => (r as { probability: number }).probability)).toEqual([0.96, 0.951]);
      expect(second.cursor).toBeUndefined();
      const range = await runQuery(ports, {
        kind: 'class',
        class: 'fast',
        modelVersion: 'v1',
        minProbability: 0.96,
        maxProbability: 0.99,
      });
      expect(range.rows.map((r) => r.galaxyId).sort()).toEqual(['g0', 'g2', 'g4']);
      const csv = renderQuery(range, 'csv') as string;
      expect(csv.split('\r\n')[0]).toMatch(/^galaxy_id,model_version,status,class,p_fast,/);
      expect((renderQuery(range, 'ecsv') as string).startsWith('# %ECSV 1.0')).toBe(true);
      const fits = renderQuery(range, 'fits') as Uint8Array;
      expect(fits.length % 2880).toBe(0);
      expect(JSON.parse(renderQuery(range, 'json') as string).items).toHaveLength(3);
    } finally {
      ports.close();
    }
  });

  it('HTTP routes: galaxy, results with filters, status; 400 for bad input, 404 for unknown', async () => {
    expect(
      routeQuery({ method: 'GET', path: '/results', query: { class: 'slow', minP: '0.1', order: 'desc' } }),
    ).toMatchObject({
      kind: 'class',
      class: 'slow',
      minProbability: 0.1,
      descending: true,
    });
    expect(routeQuery({ method: 'GET', path: '/status/REJECTED', query: { run: 'r1' } })).toMatchObject({
      kind: 'status',
      status: 'REJECTED',
      of: 'sources',
      runId: 'r1',
    });
    const ports = embeddedPorts(mkdtempSync(join(tmpdir(), 'galspin-qh-')));
    try {
      await ports.index.putResult(row('105420', 0.98, 'fast'));
      const ok = await handleQueryRequest(ports, { method: 'GET', path: '/galaxies/105420', query: {} });
      expect(ok.statusCode).toBe(200);
      expect(JSON.parse(ok.body).items[0].galaxyId).toBe('105420');
      expect(
        (await handleQueryRequest(ports, { method: 'GET', path: '/galaxies/nope', query: {} })).statusCode,
      ).toBe(404);
      expect(
        (await handleQueryRequest(ports, { method: 'GET', path: '/results', query: { class: 'medium' } }))
          .statusCode,
      ).toBe(400);
      const csv = await handleQueryRequest(ports, {
        method: 'GET',
        path: '/results',
        query: { class: 'fast', model: 'v1', format: 'csv' },
      });
      expect(csv.headers['content-type']).toBe('text/csv');
      expect(csv.body).toContain('105420');
    } finally {
      ports.close();
    }
  });
});
