/**
 * Kill probes for the embedded run: `galspin run` SIGKILLed at a named crash point
 * (src/pipeline/crash-point.ts), then run again on the same home, then audited: every object in
 * `incoming/` must end as exactly one terminal row, with nothing queued, nothing dead-lettered
 * and no row without its object. Used by test/integration/kill-resume.test.ts and
 * `npm run bench:faults`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedPorts } from '../../src/app/embedded-ports.ts';
import { syntheticUpload } from '../../src/app/synthetic-uploads.ts';
import type { ResultStatus } from '../../src/config/index.ts';
import type { CrashPointName } from '../../src/pipeline/crash-point.ts';

const ROOT = join(import.meta.dirname, '../..');
export const CRASH_POINTS: CrashPointName[] = ['upload', 'ingest', 'classify', 'write'];

/** A small survey: `n` galaxies as SAMI velocity + dispersion pairs, a real SAMI map, and two bad files. */
export function writeKillSurvey(dir: string, n = 6): number {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const up = syntheticUpload(String(9100000 + i), i % 3 ? 'fast' : 'slow', 100 + i);
    writeFileSync(join(dir, up.velocity.name), up.velocity.bytes);
    writeFileSync(join(dir, up.dispersion.name), up.dispersion.bytes);
  }
  const sami = '105420_stellar-velocity_default_two-moment.fits';
  writeFileSync(join(dir, sami), readFileSync(join(ROOT, 'test/fixtures/fits', sami)));
  writeFileSync(join(dir, 'notes.fits'), 'not a FITS file');
  writeFileSync(join(dir, 'truncated.fits'), readFileSync(join(dir, sami)).subarray(0, 5000));
  return 2 * n + 3;
}

export interface RunOutcome {
  /** Exit code, or null when killed. */
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  stderr: string;
}

/** The node arguments of `galspin run DIR --home HOME` with the probes' small IG/MC settings. */
export function runArgs(dir: string, home: string): string[] {
  return [
    join(ROOT, 'bin/galspin.mjs'),
    'run',
    dir,
    '--home',
    home,
    '--no-report',
    '--mc-passes',
    '2',
    '--ig-steps',
    '4',
  ];
}

/** `galspin run DIR --home HOME` in its own process, small IG/MC settings, optionally with a crash point. */
export function runGalspin(dir: string, home: string, crashAt?: string): RunOutcome {
  const t0 = performance.now();
  const env = { ...process.env };
  if (crashAt) env.GALSPIN_CRASH_AT = crashAt;
  else delete env.GALSPIN_CRASH_AT;
  const r = spawnSync(process.execPath, runArgs(dir, home), {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status, signal: r.signal, seconds: (performance.now() - t0) / 1000, stderr: r.stderr };
}

export interface HomeAudit {
  objects: number;
  rows: number;
  byStatus: Record<ResultStatus, number>;
  /** Objects in incoming/ without a row, or still QUEUED. */
  lost: string[];
  /** Rows whose object is not in the bucket (and that say nothing about being refused at upload). */
  orphanRows: string[];
  queued: { ingest: number; classify: number; deadLettered: number };
  /** Result rows whose map or source object is missing. */
  danglingResults: string[];
}

/** Checks the one-row-per-object promise on an embedded home. */
export async function auditHome(home: string): Promise<HomeAudit> {
  const ports = embeddedPorts(home);
  try {
    const objects = new Set<string>();
    for await (const b of ports.blobs.list('incoming/')) objects.add(b.key);
    const byStatus = { QUEUED: 0, CLASSIFIED: 0, REJECTED: 0, FAILED: 0 } as Record<ResultStatus, number>;
    const rowKeys = new Set<string>();
    const orphanRows: string[] = [];
    const danglingResults: string[] = [];
    for (const status of Object.keys(byStatus) as ResultStatus[]) {
      let cursor: string | undefined;
      do {
        const page = await ports.index.querySourcesByStatus({ status, limit: 1000, cursor });
        for (const row of page.items) {
          byStatus[status]++;
          rowKeys.add(row.sourceKey);
          if (!objects.has(row.sourceKey) && !/not uploaded/.test(row.reason ?? ''))
            orphanRows.push(row.sourceKey);
        }
        cursor = page.cursor;
      } while (cursor);
      let rc: string | undefined;
      do {
        const page = await ports.index.queryResultsByStatus({ status, limit: 1000, cursor: rc });
        for (const r of page.items) {
          if (r.mapKey && !(await ports.blobs.head(r.mapKey)))
            danglingResults.push(`${r.galaxyId}: ${r.mapKey}`);
          if (!objects.has(r.sourceKey)) danglingResults.push(`${r.galaxyId}: ${r.sourceKey}`);
        }
        rc = page.cursor;
      } while (rc);
    }
    const lost: string[] = [];
    for (const key of objects) {
      const row = await ports.index.getSource(key);
      if (!row || row.status === 'QUEUED') lost.push(key);
    }
    const ingest = await ports.ingestQueue.depth();
    const classify = await ports.classifyQueue.depth();
    return {
      objects: objects.size,
      rows: rowKeys.size,
      byStatus,
      lost,
      orphanRows,
      queued: {
        ingest: ingest.visible + ingest.inFlight,
        classify: classify.visible + classify.inFlight,
        deadLettered: ingest.deadLettered + classify.deadLettered,
      },
      danglingResults,
    };
  } finally {
    ports.close();
  }
}
