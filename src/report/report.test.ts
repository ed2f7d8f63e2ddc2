import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../test/support/report-fixtures.ts';
import { MetricsError } from './metrics-json.ts';
import { writeReport } from './report.ts';
import { ReportInputError } from './sources.ts';

describe('writeReport', () => {
  it('from metrics.json alone draws the metric figures and lists the map figures as not drawn', async () => {
    const out = mkdtempSync(join(tmpdir(), 'galspin-report-'));
    const r = await writeReport({
      modelDir: join(FIXTURE_DIR, 'model'),
      out,
      now: () => new Date('2026-11-25T19:00:00Z'),
    });
    const pngs = r.figures.filter((f) => f.endsWith('.png')).map((f) => f.split('/').pop());
    expect(pngs).toEqual([
      'confusion-matrix.png',
      'roc.png',
      'probability-distribution.png',
      'reliability.png',
      'training-curves.png',
    ]);
    expect(r.skipped.map((s) => s.name)).toEqual([
      'false-positives',
      'false-negatives',
      'unknown-probabilities',
      'unknown-gallery',
      'moran-histogram',
      'combined-fast',
      'combined-slow',
      'lambda-epsilon',
      'attribution-panels',
    ]);
    const html = readFileSync(r.indexHtml, 'utf8');
    expect(html).toContain('data-metric="accuracy" data-value="0.952096"');
    expect(html).toContain('Not drawn: false-positives (no maps of the slow test galaxies');
    // nothing loaded that could hold uncertain galaxies: no count is claimed
    expect(html).toContain('No pipeline results loaded');
    expect(html).not.toMatch(/Uncertain galaxies[^<]*: 0/);
    expect(html).toContain('<h1>Model card: 2026-11-25T19-00-00Z-fixture</h1>');
    expect(html).not.toMatch(/(src|href)="https?:/); // nothing from the network
    for (const f of r.figures) expect(existsSync(f)).toBe(true);
  });

  it('names the missing or malformed metrics.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-model-'));
    await expect(writeReport({ modelDir: dir, out: join(dir, 'out') })).rejects.toThrow(ReportInputError);
    writeFileSync(
      join(dir, 'metrics.json'),
      JSON.stringify({ modelVersion: 'v', test: { accuracy: 'high' } }),
    );
    await expect(writeReport({ modelDir: dir, out: join(dir, 'out') })).rejects.toThrow(MetricsError);
    await expect(writeReport({ modelDir: dir, out: join(dir, 'out') })).rejects.toThrow(
      /metrics\.json: test\.confusion/,
    );
  });
});

describe('resolveReportModelDir', () => {
  it("follows a store root's champion.json to the champion's folder", async () => {
    const { mkdirSync, cpSync } = await import('node:fs');
    const { resolveReportModelDir } = await import('./report.ts');
    const root = mkdtempSync(join(tmpdir(), 'galspin-store-'));
    mkdirSync(join(root, 'v7'));
    cpSync(join(FIXTURE_DIR, 'model', 'metrics.json'), join(root, 'v7', 'metrics.json'));
    writeFileSync(
      join(root, 'champion.json'),
      JSON.stringify({ version: 'v7', promotedAt: '2026-11-25T19:00:00Z' }),
    );
    expect(await resolveReportModelDir(root)).toBe(join(root, 'v7'));
    expect(await resolveReportModelDir(join(FIXTURE_DIR, 'model'))).toBe(join(FIXTURE_DIR, 'model'));
  });
});

describe('homeModelStore', () => {
  it('finds <home>/bucket/models when it holds champion.json', async () => {
    const { mkdirSync } = await import('node:fs');
    const { homeModelStore } = await import('./report.ts');
    const home = mkdtempSync(join(tmpdir(), 'galspin-home-'));
    expect(homeModelStore(home)).toBeUndefined();
    mkdirSync(join(home, 'bucket', 'models'), { recursive: true });
    writeFileSync(join(home, 'bucket', 'models', 'champion.json'), '{"version":"v1"}');
    expect(homeModelStore(home)).toBe(join(home, 'bucket', 'models'));
    expect(homeModelStore(undefined)).toBeUndefined();
  });
});
