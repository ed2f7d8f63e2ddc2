import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runGalspin } from '../../../test/support/run-cli.ts';
import { generateSurvey } from '../../survey/index.ts';

let dir: string;
let survey: string;

const run = runGalspin;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galspin-tune-'));
  survey = join(dir, 'survey');
  await generateSurvey({ out: survey, n: 24, seed: 3 });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => vi.restoreAllMocks());

describe('galspin tune', () => {
  it('runs trials on a simulated survey and saves trials.csv and tuning.json with the validation best', async () => {
    const out = join(dir, 'tune');
    const r = await run([
      'tune',
      '--data',
      survey,
      '--out',
      out,
      '--trials',
      '2',
      '--epochs',
      '1',
      '--seed',
      '2',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/best of 2 trials/);
    expect(r.err).toMatch(/trial 1: filters/);
    const csv = (await readFile(join(out, 'trials.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(3);
    const json = JSON.parse(await readFile(join(out, 'tuning.json'), 'utf8'));
    expect(json.trials).toHaveLength(2);
    expect(json.selection).toMatch(/test split unused/);
    expect(json.best.valAcc).toBe(Math.max(...json.trials.map((t: { valAcc: number }) => t.valAcc)));
    for (const t of json.trials) {
      expect(t.config.convFilters.length).toBeGreaterThanOrEqual(1);
      expect(t.config.convFilters.length).toBeLessThanOrEqual(4);
      expect(t.config.convFilters.every((f: number) => f % 32 === 0 && f >= 32 && f <= 256)).toBe(true);
      expect([1e-2, 1e-3, 1e-4]).toContain(t.config.learningRate);
    }
  }, 300_000);

  it('names a missing survey in one line (exit 1) and rejects a bad budget (exit 2)', async () => {
    const missing = await run(['tune', '--data', join(dir, 'nope'), '--out', join(dir, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope/);
    const bad = await run(['tune', '--data', survey, '--out', join(dir, 'x'), '--max-minutes', '-3']);
    expect(bad.code).toBe(2);
  });
});
