/**
 * `npm run bench:faults`: what galspin does with bad input and with crashes, in one table.
 *
 * 1. FITS fuzz: the seeded corpus of mutated real fixtures plus gzip and tile bombs, judged against
 *    astropy's committed verdicts (bench/oracles/fits_fuzz_oracle.json.gz).
 * 2. Kill probes: `galspin run` SIGKILLed at every named crash point (several hits each), and at
 *    random moments from outside (the parent process, as a scheduler or the OOM killer would), then
 *    run again on the same home and audited: rows = uploads, 0 lost, 0 duplicated.
 * 3. Bursts: N uploads whose S3 events are each delivered twice, ingested in process (rows, classify
 *    messages), and one whole `galspin run` over a survey of N galaxies.
 *
 *   npm run bench:faults -- [--kills K] [--burst N] [--skip-fuzz] [--skip-run]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedPorts } from '../src/app/embedded-ports.ts';
import { syntheticUpload } from '../src/app/synthetic-uploads.ts';
import { s3CreatedEvent } from '../src/config/index.ts';
import { processIngestBody } from '../src/pipeline/ingest-event.ts';
import { runFitsFuzz } from './faults/fits-fuzz.ts';
import { auditHome, CRASH_POINTS, runArgs, runGalspin, writeKillSurvey } from './faults/kill-resume.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '16' },
    burst: { type: 'string', default: '500' },
    'skip-fuzz': { type: 'boolean', default: false },
    'skip-run': { type: 'boolean', default: false },
  },
});
const rows: [string, string][] = [];
const say = (line: string) => process.stderr.write(`${line}\n`);
const work = mkdtempSync(join(tmpdir(), 'galspin-faults-'));

try {
  if (!values['skip-fuzz']) {
    say('fits fuzz: corpus + bombs against astropy verdicts…');
    const t0 = performance.now();
    const f = runFitsFuzz();
    rows.push(
      ['fuzz inputs tried', String(f.tried)],
      ['  clean errors (FitsError, one line)', String(f.cleanErrors)],
      ['  correct reads (= astropy)', String(f.correctReads)],
      ['  wrong successes', String(f.wrongSuccesses)],
      ['  errors that are not FitsError', String(f.nonFitsErrors)],
      ['  hangs', String(f.hangs)],
      ['  documented astropy limits', String(f.documentedAstropyLimits.length)],
      [
        '  peak RSS above start',
        `${(f.peakRssAboveStartBytes / 2 ** 20).toFixed(0)} MiB (limit ×2 = 128 MiB)`,
      ],
      ['  seconds', ((performance.now() - t0) / 1000).toFixed(1)],
    );
  }

  const kills = Number(values.kills);
  const survey = join(work, 'survey');
  const files = writeKillSurvey(survey);
  let survived = 0;
  let lost = 0;
  let duplicated = 0;
  let orphanRows = 0;
  const tried: string[] = [];
  for (let k = 0; k < kills; k++) {
    const home = join(work, `kill-${k}`);
    // Half at named crash points (round robin, hits 1..4), half at random moments from outside.
    const named = k % 2 === 0;
    const point = CRASH_POINTS[(k >> 1) % CRASH_POINTS.length];
    const label = named
      ? `${point}:${1 + ((k >> 3) % 4)}`
      : `outside@${(0.5 + Math.random() * 9).toFixed(1)}s`;
    say(`kill probe ${k + 1}/${kills}: ${label}`);
    if (named) runGalspin(survey, home, label);
    else await killFromOutside(survey, home, Number(label.slice(8, -1)));
    const resumed = runGalspin(survey, home);
    const audit = await auditHome(home);
    const ok =
      resumed.code === 0 &&
      audit.lost.length === 0 &&
      audit.orphanRows.length === 0 &&
      audit.rows === audit.objects &&
      audit.queued.ingest + audit.queued.classify + audit.queued.deadLettered === 0;
    survived += ok ? 1 : 0;
    lost += audit.lost.length;
    orphanRows += audit.orphanRows.length;
    duplicated += Math.max(0, audit.rows - audit.objects);
    tried.push(label);
    if (!ok) say(`  NOT survived: ${JSON.stringify({ code: resumed.code, ...audit })}`);
  }
  rows.push(
    ['kill points tried', `${kills} (${files}-file survey; ${tried.join(', ')})`],
    ['  survived (re-run: every object one terminal row)', `${survived}/${kills}`],
    ['  rows lost', String(lost)],
    ['  rows duplicated', String(duplicated)],
    ['  rows without their object', String(orphanRows)],
  );

  const n = Number(values.burst);
  say(`burst: ${n} uploads, each S3 event delivered twice, ingested in process…`);
  rows.push(...(await duplicatedEventBurst(join(work, 'burst'), n)));
  if (!values['skip-run']) {
    say(`burst: galspin run over ${n} galaxies (${2 * n} files)…`);
    const dir = join(work, 'run-survey');
    writeKillSurvey(dir, n);
    const r = runGalspin(dir, join(work, 'run-home'));
    const audit = await auditHome(join(work, 'run-home'));
    rows.push(
      [
        'galspin run burst',
        `${audit.objects} files → ${audit.rows} rows in ${r.seconds.toFixed(0)} s (exit ${r.code})`,
      ],
      ['  files/s end to end', (audit.objects / r.seconds).toFixed(1)],
      ['  lost / QUEUED left', String(audit.lost.length)],
    );
  }

  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\ngalspin bench:faults (${new Date().toISOString()})\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** SIGKILLs the `galspin run` parent process after `seconds`, as something outside galspin would. */
async function killFromOutside(dir: string, home: string, seconds: number): Promise<void> {
  const child = spawn(process.execPath, runArgs(dir, home), { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
  await new Promise((r) => child.once('exit', r));
  clearTimeout(timer);
  // Its child (the TensorFlow process) follows within a poll of src/cli/quiet-native.ts dieWithParent.
  await new Promise((r) => setTimeout(r, 500));
}

/** N uploads, every event enqueued twice, drained through the ingest service in this process. */
async function duplicatedEventBurst(home: string, n: number): Promise<[string, string][]> {
  const ports = embeddedPorts(home);
  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const up = syntheticUpload(String(9200000 + i), i % 3 ? 'fast' : 'slow', 500 + i);
      const key = `incoming/burst/${up.velocity.name}`;
      await ports.blobs.put(key, up.velocity.bytes);
      const event = s3CreatedEvent('local', key, up.velocity.bytes.length);
      await ports.ingestQueue.sendBatch([event, event]);
    }
    const put = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    for (;;) {
      const batch = await ports.ingestQueue.receive({ maxMessages: 10, waitSeconds: 0 });
      if (batch.length === 0) break;
      for (const m of batch) {
        await processIngestBody({ ...ports }, m.body, { receiveCount: m.receiveCount });
        await ports.ingestQueue.delete([m.receiptHandle]);
      }
    }
    const seconds = (performance.now() - t1) / 1000;
    const classify = await ports.classifyQueue.depth();
    let rowCount = 0;
    let cursor: string | undefined;
    do {
      const page = await ports.index.querySourcesByStatus({ status: 'QUEUED', limit: 1000, cursor });
      rowCount += page.items.length;
      cursor = page.cursor;
    } while (cursor);
    return [
      ['duplicated-event burst', `${n} uploads, ${2 * n} events → ${rowCount} rows (QUEUED)`],
      ['  classify messages (the worker classifies each map once)', String(classify.visible)],
      ['  ingest events/s', ((2 * n) / seconds).toFixed(0)],
      ['  upload s', put.toFixed(1)],
    ];
  } finally {
    ports.close();
  }
}
