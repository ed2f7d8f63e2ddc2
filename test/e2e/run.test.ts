import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGalspin } from '../support/run-cli.ts';

const BUNDLED_CHAMPION = JSON.parse(
  readFileSync(new URL('../../models/champion.json', import.meta.url), 'utf8'),
).version as string;

describe('galspin run (the README main job), embedded', () => {
  let home: string;
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('classifies a fresh demo survey with the bundled champion and writes the report', async () => {
    home = await mkdtemp(join(tmpdir(), 'galspin-run-'));
    const r = await runGalspin(['run', '--home', home, '--n', '16', '--mc-passes', '2']);
    expect(r.code).toBe(0);
    const uploaded = Number(/(\d+) FITS files uploaded/.exec(r.out)?.[1]);
    expect(uploaded).toBeGreaterThan(16);
    // Every upload ends as exactly one row; the demo survey has no bad files.
    expect(r.out).toContain(`CLASSIFIED ${uploaded}  REJECTED 0  FAILED 0  QUEUED 0`);
    expect(r.out).toContain(`champion  ${BUNDLED_CHAMPION} (bundled`);
    const classes = /fast (\d+)\s+slow (\d+)\s+uncertain (\d+)/.exec(r.out)?.slice(1).map(Number) ?? [];
    expect(classes.reduce((a, b) => a + b, 0)).toBeGreaterThan(16);
    expect(existsSync(join(home, 'bucket', 'attributions', BUNDLED_CHAMPION))).toBe(true);
    const report = /report:\s+(\S+index\.html)/.exec(r.out)?.[1] as string;
    expect(readFileSync(report, 'utf8')).toContain(BUNDLED_CHAMPION);
  }, 300_000);
});
