/**
 * A crash-safe, resumable embedded run: `galspin run` is SIGKILLed at each crash point (after an
 * object is stored but before it is announced, mid-ingest, after inference, between a result row
 * and its upload rows), then run again on the same home. Every object must then end as exactly
 * one terminal row — none lost, none left QUEUED, no row without its object — and the bad files
 * among them must each have their own row. One kill point per stage, plus one drawn at random
 * (seeded) by fast-check; `npm run bench:faults` draws many more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { auditHome, CRASH_POINTS, runGalspin, writeKillSurvey } from '../../bench/faults/kill-resume.ts';

const dir = mkdtempSync(join(tmpdir(), 'galspin-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const survey = join(dir, 'survey');
const files = writeKillSurvey(survey);

const drawn = fc.sample(
  fc.record({ point: fc.constantFrom(...CRASH_POINTS), n: fc.integer({ min: 1, max: 8 }) }),
  { numRuns: 1, seed: 20261203 },
);
const kills = [
  { point: 'upload', n: 5 },
  { point: 'ingest', n: 3 },
  { point: 'classify', n: 1 },
  { point: 'write', n: 4 },
  ...drawn,
];

describe('galspin run killed at any point, then run again on the same home', () => {
  it.each(kills)(
    'SIGKILL at $point #$n: rows = uploads, 0 lost, 0 duplicated',
    { timeout: 240_000 },
    async ({ point, n }) => {
      const home = join(dir, `home-${point}-${n}`);
      const killed = runGalspin(survey, home, `${point}:${n}`);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const resumed = runGalspin(survey, home);
      expect(resumed.code, resumed.stderr).toBe(0);

      const audit = await auditHome(home);
      expect(audit.lost).toEqual([]);
      expect(audit.orphanRows).toEqual([]);
      expect(audit.danglingResults).toEqual([]);
      expect(audit.queued).toEqual({ ingest: 0, classify: 0, deadLettered: 0 });
      // The killed run's uploads plus the second run's full survey, each with exactly one row.
      expect(audit.objects).toBeGreaterThanOrEqual(files);
      expect(audit.rows).toBe(audit.objects);
      // The bad files are REJECTED with their own rows (so is an upload of the killed run whose map
      // the second run replaced before it was classified); nothing FAILED, nothing left QUEUED.
      expect(audit.byStatus.FAILED).toBe(0);
      expect(audit.byStatus.QUEUED).toBe(0);
      expect(audit.byStatus.CLASSIFIED + audit.byStatus.REJECTED).toBe(audit.objects);
    },
  );
});
