/**
 * The wiring `galspin run` relies on: a report straight from an embedded pipeline home
 * (GALSPIN_HOME: galspin.sqlite + bucket/maps/<id>.bin + bucket/attributions/<version>/<id>.npy),
 * built here from the report fixtures through the pipeline's own codec and SQLite index.
 */

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, FIXTURE_VERSION, fixtureMap, fixtureRows } from '../../test/support/report-fixtures.ts';
import { SqliteResultIndex } from '../adapters/local/sqlite-result-index.ts';
import { openHomeIndex } from '../app/home-index.ts';
import { encodeStoredMap } from '../formats/map-codec.ts';
import { writeReport } from './report.ts';

describe('writeReport from an embedded pipeline home', () => {
  it('reads rows from galspin.sqlite, maps from .bin, attributions from .npy, labels from a catalogue', async () => {
    const home = mkdtempSync(join(tmpdir(), 'galspin-home-'));
    const bucket = join(home, 'bucket');
    mkdirSync(join(bucket, 'maps'), { recursive: true });
    mkdirSync(join(bucket, 'attributions', FIXTURE_VERSION), { recursive: true });
    for (const f of readdirSync(join(FIXTURE_DIR, 'maps'))) {
      const id = f.replace('.npy', '');
      const v = fixtureMap(id);
      const valid = Uint8Array.from(v, (x) => (Number.isFinite(x) ? 1 : 0));
      const bytes = encodeStoredMap({
        meta: {
          galaxyId: id,
          size: 40,
          provenance: {
            sourceKey: `incoming/${id}.fits`,
            survey: 'synthetic',
            preprocessedAt: '2026-11-25T19:00:00.000Z',
          },
          science: { moransI: null, nValid: valid.reduce((a, b) => a + b, 0) },
          sourceGrid: { width: 50, height: 50, pixelScaleArcsec: 0.5 },
        },
        input: Float32Array.from(v, (x) => (Number.isFinite(x) ? x : 0)),
        valid,
      });
      writeFileSync(join(bucket, 'maps', `${id}.bin`), bytes);
    }
    for (const f of readdirSync(join(FIXTURE_DIR, 'attributions', FIXTURE_VERSION))) {
      copyFileSync(
        join(FIXTURE_DIR, 'attributions', FIXTURE_VERSION, f),
        join(bucket, 'attributions', FIXTURE_VERSION, f),
      );
    }
    const index = new SqliteResultIndex(join(home, 'galspin.sqlite'));
    const catalogue = ['catid,label'];
    const common = { runId: 'run-1', updatedAt: '2026-11-25T19:00:00.000Z', timings: {} };
    for (const r of fixtureRows()) {
      if (r.label) catalogue.push(`${r.galaxyId},${r.label}`);
      const base = {
        ...common,
        galaxyId: r.galaxyId,
        modelVersion: FIXTURE_VERSION,
        sourceKey: `incoming/${r.galaxyId}.fits`,
      };
      if (r.status === 'CLASSIFIED') {
        await index.putResult({
          ...base,
          status: 'CLASSIFIED',
          probability: r.probability ?? 0,
          class: (r.class ?? 'uncertain') as 'fast' | 'slow' | 'uncertain',
          uncertainty: { mean: r.probability ?? 0, std: r.std ?? 0, passes: 20 },
          moransI: r.moransI ?? null,
          attributionKeys: {
            array: `attributions/${FIXTURE_VERSION}/${r.galaxyId}.npy`,
            png: `attributions/${FIXTURE_VERSION}/${r.galaxyId}.png`,
          },
        });
      } else {
        await index.putResult({ ...base, status: 'REJECTED', reason: r.reason ?? 'bad map' });
      }
    }
    index.close();
    writeFileSync(join(home, 'catalogue.csv'), `${catalogue.join('\n')}\n`);

    const out = join(home, 'report');
    const r = await writeReport({
      modelDir: join(FIXTURE_DIR, 'model'),
      results: home,
      openIndex: openHomeIndex,
      catalogue: join(home, 'catalogue.csv'),
      out,
    });
    // a run's results hold no unknown galaxies' maps and no λRe/ε: those two (not the paper's ten) are missing
    expect(r.skipped.map((s) => s.name)).toEqual(['unknown-gallery', 'lambda-epsilon']);
    expect(r.figures.filter((f) => f.endsWith('.png'))).toHaveLength(12);
    const html = readFileSync(r.indexHtml, 'utf8');
    expect(html).toContain('CLASSIFIED 287 · REJECTED 1');
    expect(html).toMatch(/Uncertain galaxies \(results\): \d+/);
  });
});
