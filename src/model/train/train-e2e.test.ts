/**
 * End to end on real files, small enough for CI (≈1–2 min on 2 cores): a seeded synthetic survey
 * (FITS + catalogue.csv) → loadSurvey → honest training of a reduced Table 1 network → metrics.json and
 * model card on disk → `galspin predict` on the held-out test galaxies' FITS files.
 * The full-size quality run is scripts/quality-run.sh, not CI.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { generateSurvey } from '../../survey/index.ts';
import type { TestMetrics } from '../evaluate/evaluate.ts';
import { loadSurvey } from './labelled-survey.ts';

async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; out: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => chunks.push(String(s)) > 0) as typeof process.stdout.write;
  try {
    const result = await fn();
    return { result, out: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galspin-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train end to end (small)', () => {
  it('beats chance clearly on held-out galaxies and predict agrees with the saved model', async () => {
    await generateSurvey({ out: join(dir, 'survey'), n: 200, seed: 11, slowFraction: 0.3, unknown: 4 });
    const data = await loadSurvey(join(dir, 'survey'));
    expect(data.ids).toHaveLength(200);
    expect(data.hash).toMatch(/^[0-9a-f]{64}$/);
    const code = await captureStdout(() =>
      main([
        'node',
        'galspin',
        'train',
        '--data',
        join(dir, 'survey'),
        '--out',
        join(dir, 'model'),
        // ~9 steps of 16 an epoch: BatchNorm's moving statistics need a few hundred steps
        '--epochs',
        '30',
        '--batch-size',
        '16',
        '--seed',
        '3',
        '--filters',
        '16,32,64',
        '--dense',
        '32,16',
        '--lr',
        '1e-3',
      ]),
    );
    expect(code.result).toBe(0);
    expect(code.out).toMatch(/test n=30 accuracy/);
    const saved = JSON.parse(await readFile(join(dir, 'model', 'metrics.json'), 'utf8'));
    const t = saved.test as TestMetrics;
    const labels = t.probabilities.map((p) => p.label);
    const majority = Math.max(...[0, 1].map((c) => labels.filter((l) => l === c).length)) / t.n;
    // Majority-class baseline is 0.70; a model that learned rotation reaches well above it.
    expect(t.n).toBe(30);
    expect(t.accuracy).toBeGreaterThan(majority + 0.1);
    expect(t.auc).toBeGreaterThan(0.85);
    expect(saved.protocol).toBe('honest');
    expect(saved.data).toMatchObject({
      hash: data.hash,
      nGalaxies: 200,
      nFast: 140,
      nSlow: 60,
      splitSeed: 3,
    });
    expect(saved.data.split).toEqual({ train: 140, validation: 30, test: 30 });
    expect(Object.keys(saved.test).sort()).toEqual(
      [
        'auc',
        'accuracy',
        'calibration',
        'confusion',
        'falseNegatives',
        'falsePositives',
        'n',
        'perClass',
        'probabilities',
        'roc',
        'threshold',
      ].sort(),
    );
    expect(await readFile(join(dir, 'model', 'model-card.md'), 'utf8')).toContain(data.hash);

    // The CLI on the test galaxies' FITS files gives the calibrated probabilities of metrics.json.
    const testIds = t.probabilities.slice(0, 5).map((p) => p.galaxyId);
    const files = testIds.map((id) =>
      join(dir, 'survey', 'fits', `${id}_A_stellar-velocity_default_two-moment.fits`),
    );
    const predicted = await captureStdout(() =>
      main(['node', 'galspin', 'predict', ...files, '--model', join(dir, 'model'), '--format', 'jsonl']),
    );
    expect(predicted.result).toBe(0);
    const lines = predicted.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.galaxy_id)).toEqual(testIds);
    for (const l of lines) {
      const ref = t.probabilities.find((p) => p.galaxyId === l.galaxy_id)?.p ?? -1;
      expect(Math.abs(l.p_fast - ref)).toBeLessThan(1e-4);
      expect(['fast', 'slow', 'uncertain']).toContain(l.class);
    }
  }, 400_000);
});
