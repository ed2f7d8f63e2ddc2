/**
 * Progress in a log (galspin issue 14, part 4): a job longer than PLAIN_FIRST_S, run as a user runs
 * it with stderr piped (not a terminal), writes plain `galspin: JOB done/total UNIT (pct %), t s`
 * lines on stderr, and none of cli-progress's cursor codes or bar glyphs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_FIRST_S } from '../../src/app/progress.ts';
import { readTable } from '../../src/formats/table/io.ts';
import { readCatalogue } from '../../src/survey/catalogue.ts';
import { spawnGalspinAsync } from '../support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'galspin-progress-'));
const survey = join(dir, 'survey');
/** 100 particle-family galaxies take about 9 s here (3 × PLAIN_FIRST_S), 23 MB of FITS. */
const N = 100;

/** ESC (cursor moves, line clears), a carriage return, and the bar glyphs of cli-progress's presets. */
const TERMINAL_ONLY = ['\u001b', '\r', '\u2588', '\u2591', '\u2592', '\u2593'];

/** The progress lines of `job` in `err`, as [done, total, percent, seconds]. */
function progressLines(err: string, job: string, unit: string): number[][] {
  const re = new RegExp(`^galspin: ${job} (\\d+)/(\\d+) ${unit} \\((\\d+) %\\), (\\d+) s`);
  return err.split('\n').flatMap((l) => {
    const m = re.exec(l);
    return m ? [m.slice(1, 5).map(Number)] : [];
  });
}

let simulated: { code: number | null; out: string; err: string; seconds: number };

beforeAll(async () => {
  const started = performance.now();
  const r = await spawnGalspinAsync([
    'simulate',
    '--out',
    survey,
    '--n',
    String(N),
    '--unknown',
    '0',
    '--family',
    'particle',
    '--seed',
    '5',
  ]);
  simulated = { ...r, seconds: (performance.now() - started) / 1000 };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('progress on stderr in a log', () => {
  it('simulate: plain lines that count to the end, no terminal codes; stdout and the survey as before', async () => {
    expect(simulated.code).toBe(0);
    expect(simulated.seconds).toBeGreaterThan(PLAIN_FIRST_S);
    const lines = progressLines(simulated.err, 'simulate', 'galaxies');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    // The last line is the job's end; counts and percentages only grow.
    expect(lines.at(-1)?.slice(0, 3)).toEqual([N, N, 100]);
    for (let k = 1; k < lines.length; k++) {
      expect(lines[k][0]).toBeGreaterThan(lines[k - 1][0]);
      expect(lines[k][3]).toBeGreaterThanOrEqual(lines[k - 1][3]);
    }
    for (const [done, total, pct] of lines) expect(pct).toBe(Math.floor((100 * done) / total));
    for (const c of TERMINAL_ONLY) expect(simulated.err).not.toContain(c);
    // Progress stays off stdout: the summary is the whole of it.
    expect(simulated.out).not.toMatch(/galspin: simulate/);
    expect(simulated.out).toMatch(/family particle/);
    expect(await readCatalogue(join(survey, 'catalogue.csv'))).toHaveLength(N);
  });

  it('predict --catalog: the same plain lines as predict FILES while it classifies', async () => {
    expect(simulated.code).toBe(0);
    const rows = await readCatalogue(join(survey, 'catalogue.csv'));
    const catalog = join(survey, 'zoobot.csv');
    writeFileSync(
      catalog,
      `id_str,file_loc\n${rows.map((r) => `${r.catid},${r.velocityFile}`).join('\n')}\n`,
    );
    const out = join(dir, 'predicted.csv');
    // 30 passes over 100 maps: about 9 s of classifying here.
    const r = await spawnGalspinAsync(['predict', '--catalog', catalog, '--model', 'models', '--out', out]);
    expect(r.code).toBe(0);
    const lines = progressLines(r.err, 'predict', 'maps');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)?.slice(0, 3)).toEqual([N, N, 100]);
    for (const c of TERMINAL_ONLY) expect(r.err).not.toContain(c);
    expect((await readTable(out)).rows).toHaveLength(N);
  });
});
