/**
 * `galspin run`: the whole pipeline on one machine. Upload a folder (or a generated demo survey)
 * to `incoming/<runId>/` → ingest every object → train a model if no champion exists → classify
 * and explain everything queued → a summary. Embedded mode runs the services directly on the
 * folder + SQLite adapters; AWS mode (an emulator via AWS_ENDPOINT_URL) lets the emulator deliver
 * the S3 events and runs the real preprocess Lambda handler through the local bridge.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { LIMITS, PREFIX, type ResultStatus, s3CreatedEvent } from '../config/index.ts';
import { oneLine } from '../errors.ts';
import type { ServingEngineChoice } from '../model/serve/onnx/serving.ts';
import { FolderModelStore } from '../model/store.ts';
import type { TrainOptions } from '../model/train/train.ts';
import { crashPoint } from '../pipeline/crash-point.ts';
import { runIdForKey } from '../pipeline/ingest.ts';
import { processIngestBody } from '../pipeline/ingest-event.ts';
import { isFitsKey } from '../pipeline/keys.ts';
import { BlobModelRepository } from '../pipeline/model-repository.ts';
import { type InspectableQueue, reconcileHome } from '../pipeline/reconcile.ts';
import { retrain } from '../pipeline/retrain.ts';
import { RepositoryClassifierSource } from '../pipeline/tf-classifier.ts';
import { runWorker } from '../pipeline/worker.ts';
import { type PipelineLogger, silentLogger } from '../ports/logger.ts';
import type { PipelinePorts } from '../ports/pipeline-ports.ts';
import { generateSurvey } from '../survey/index.ts';
import { drainThroughHandler, type SqsHandler } from './bridge.ts';

/** The demo's training config: small and fast on two CPU cores; NOT the paper's Table 1 network. */
export const DEMO_TRAIN: Partial<TrainOptions> = {
  epochs: 12,
  batchSize: 32,
  earlyStoppingPatience: 6,
  model: { convFilters: [16, 32], denseUnits: [32] },
};

export interface RunProgress {
  stage: 'survey' | 'upload' | 'ingest' | 'train' | 'classify' | 'done';
  done: number;
  total?: number;
  note?: string;
}

export interface LocalRunOptions {
  ports: PipelinePorts;
  tf: typeof tfjs;
  backend: string;
  /** Folder of FITS files (and optionally catalogue.csv with labels); a demo survey when absent. */
  inputDir?: string;
  /** Where the demo survey is generated. */
  demoDir: string;
  demo?: { n: number; seed: number };
  runId?: string;
  /** A folder model store (e.g. the bundled `models/`) whose champion becomes the run's champion
   *  when the home has none, so a fresh home classifies with a real model instead of training one. */
  seedModelsDir?: string;
  train?: Partial<TrainOptions>;
  igSteps?: number;
  /** MC-dropout passes; the classifier's DEFAULT_MC_PASSES (as `galspin predict`) when absent. */
  mcPasses?: number;
  batchSize?: number;
  /** Who serves inference, MC dropout and IG; `auto` = ONNX Runtime on the CPU when available. */
  engine?: ServingEngineChoice;
  /** AWS mode: the real preprocess handler, driven by the bridge; embedded mode leaves it unset. */
  preprocessHandler?: SqsHandler;
  onProgress?: (p: RunProgress) => void;
  log?: PipelineLogger;
}

export interface RunSummary {
  runId: string;
  uploaded: number;
  sources: Record<ResultStatus, number>;
  classes: Record<'fast' | 'slow' | 'uncertain', number>;
  championVersion: string;
  trained?: { version: string; promoted: boolean; reason: string; testAuc: number };
  /** The champion copied from `seedModelsDir`, when that happened. */
  seeded?: string;
  /** The serving engine's one-line notice (which engine classified, and why). */
  servingEngine?: string;
  location: string;
  seconds: Record<string, number>;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

export async function runLocal(opts: LocalRunOptions): Promise<RunSummary> {
  const { ports } = opts;
  const log = opts.log ?? silentLogger;
  const progress = opts.onProgress ?? (() => {});
  const seconds: Record<string, number> = {};
  const lap = (name: string, t0: number) => {
    seconds[name] = (performance.now() - t0) / 1000;
  };
  const runId = opts.runId ?? `run-${new Date().toISOString().replace(/[:.]/g, '-')}`;

  let t = performance.now();
  let dir = opts.inputDir ? resolve(opts.inputDir) : resolve(opts.demoDir);
  if (!opts.inputDir && !existsSync(join(dir, 'catalogue.csv'))) {
    const demo = opts.demo ?? { n: 200, seed: 1 };
    await generateSurvey({
      out: dir,
      n: demo.n,
      seed: demo.seed,
      slowFraction: 0.3,
      unknown: Math.round(demo.n / 4),
      onProgress: (done, total) => progress({ stage: 'survey', done, total }),
    });
  }
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new Error(`${dir}: not a folder`);
  dir = resolve(dir);
  lap('survey', t);

  // Upload: FITS under incoming/<runId>/, a catalogue.csv as labels/<runId>.csv.
  t = performance.now();
  const files = await listFiles(dir);
  const fits = files.filter((f) => isFitsKey(f));
  const catalogue = files.find((f) => f.endsWith('catalogue.csv'));
  const labelsKey = catalogue ? `${PREFIX.labels}${runId}.csv` : undefined;
  if (catalogue && labelsKey)
    await ports.blobs.put(labelsKey, await readFile(catalogue), { contentType: 'text/csv' });
  // Velocity maps first, so that their dispersion companions find them already paired.
  fits.sort((a, b) => Number(a.includes('dispersion')) - Number(b.includes('dispersion')));
  const embedded = hasInspectableQueues(ports) ? ports : undefined;
  if (embedded) await resumeHome(embedded, log);
  let done = 0;
  const queue = [...fits];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const key = `${PREFIX.incoming}${runId}/${relative(dir, f).split('\\').join('/')}`;
        await uploadOne(ports, f, key, runId, Boolean(embedded));
        progress({ stage: 'upload', done: ++done, total: fits.length });
      }
    }),
  );
  lap('upload', t);

  // Ingest. Embedded: the SQLite ingest queue holds one S3-shaped event per upload (written with
  // it); AWS: the emulator sends them and the real preprocess handler takes them through the bridge.
  t = performance.now();
  if (opts.preprocessHandler) {
    await drainThroughHandler(ports.ingestQueue, opts.preprocessHandler, {
      onProgress: (n) => progress({ stage: 'ingest', done: n, total: fits.length }),
    });
  } else {
    await drainIngest(ports, log, (n, total) => progress({ stage: 'ingest', done: n, total }));
  }
  lap('ingest', t);

  // Train when there is no champion yet.
  t = performance.now();
  const repo = new BlobModelRepository(ports.blobs);
  let trained: RunSummary['trained'];
  let seeded: string | undefined;
  if (!(await repo.champion()) && opts.seedModelsDir) seeded = await seedChampion(opts.seedModelsDir, ports);
  if (!(await repo.champion())) {
    if (!labelsKey)
      throw new Error('no champion model and no catalogue.csv with labels in the input folder to train one');
    const trainOpts = opts.train ?? DEMO_TRAIN;
    const r = await retrain(
      { tf: opts.tf, backend: opts.backend, blobs: ports.blobs, log },
      {
        labelsKey,
        train: trainOpts,
        onEpoch: (rec, info) =>
          progress({
            stage: 'train',
            done: rec.epoch,
            total: info.epochs,
            note: `val acc ${rec.valAcc.toFixed(3)}`,
          }),
      },
    );
    trained = {
      version: r.version,
      promoted: r.comparison.promoted,
      reason: r.comparison.reason,
      testAuc: r.comparison.candidate.auc,
    };
  }
  lap('train', t);

  // Classify and explain.
  t = performance.now();
  let servingEngine: string | undefined;
  const models = new RepositoryClassifierSource(opts.tf, opts.backend, repo, {
    igSteps: opts.igSteps ?? 32,
    mcPasses: opts.mcPasses,
    engine: opts.engine,
    log: (line) => {
      servingEngine = line.replace(/^galspin: serving engine /, '');
    },
  });
  let classified = 0;
  const total = (await ports.classifyQueue.depth()).visible;
  await runWorker(
    { blobs: ports.blobs, index: ports.index, queue: ports.classifyQueue, models, log },
    {
      batchSize: opts.batchSize ?? 64,
      batchMs: 500,
      waitSeconds: 1,
      untilEmpty: true,
      // A killed run's TensorFlow child can outlive the start of this one by a poll: keep handing
      // back the claims of processes that are gone, instead of waiting out their timeouts.
      onPoll: embedded ? () => embedded.classifyQueue.releaseOrphans() : undefined,
      onBatch: (b) => progress({ stage: 'classify', done: (classified += b.classified), total }),
    },
  );
  await models.dispose();
  // Work that died with a killed process on every delivery still gets its one row.
  if (embedded)
    await reconcileHome({ ...embedded, now: () => new Date() }, (k) => runIdForKey(k, new Date()));
  lap('classify', t);

  const champion = (await repo.champion())?.version ?? '';
  const sources = { QUEUED: 0, CLASSIFIED: 0, REJECTED: 0, FAILED: 0 } as Record<ResultStatus, number>;
  for (const status of Object.keys(sources) as ResultStatus[]) {
    let cursor: string | undefined;
    do {
      const page = await ports.index.querySourcesByStatus({ status, runId, limit: 1000, cursor });
      sources[status] += page.items.length;
      cursor = page.cursor;
    } while (cursor);
  }
  // Classes of this run's uploads, from their rows: a re-uploaded map is classified once, and its
  // result row belongs to the run that first classified it.
  const classes = { fast: 0, slow: 0, uncertain: 0 };
  let cursor: string | undefined;
  do {
    const page = await ports.index.querySourcesByStatus({ status: 'CLASSIFIED', runId, limit: 1000, cursor });
    for (const row of page.items) {
      if (row.product === 'dispersion' || !row.galaxyId) continue;
      const result = await ports.index.getResult(row.galaxyId, champion);
      if (result?.status === 'CLASSIFIED') classes[result.class]++;
    }
    cursor = page.cursor;
  } while (cursor);
  progress({ stage: 'done', done: 1, total: 1 });
  return {
    runId,
    uploaded: fits.length,
    sources,
    classes,
    championVersion: champion,
    trained,
    seeded,
    servingEngine,
    location: ports.location,
    seconds,
  };
}

type ResumableQueue = InspectableQueue & { releaseOrphans(): number };
type EmbeddedQueues = PipelinePorts & { ingestQueue: ResumableQueue; classifyQueue: ResumableQueue };

/** The embedded home's SQLite queues can be inspected and resumed; SQS cannot (nor need be). */
function hasInspectableQueues(ports: PipelinePorts): ports is EmbeddedQueues {
  const resumable = (q: object) => 'releaseOrphans' in q && 'pendingBodies' in q;
  return ports.mode === 'embedded' && resumable(ports.ingestQueue) && resumable(ports.classifyQueue);
}

/**
 * Picks up where a killed run on this home stopped: the claims of dead processes are released,
 * and objects that were stored but never announced are announced (src/pipeline/reconcile.ts).
 */
async function resumeHome(ports: EmbeddedQueues, log: PipelineLogger): Promise<void> {
  const released = ports.ingestQueue.releaseOrphans() + ports.classifyQueue.releaseOrphans();
  const report = await reconcileHome(ports, (k) => runIdForKey(k, new Date()));
  if (released + report.announced + report.deadLettered > 0)
    log.info('resumed an interrupted run', { released, ...report });
}

/**
 * One file into `incoming/`. Its size is checked before it is read: a file past the limit is not
 * copied, and gets its REJECTED row at once. Embedded, the object's S3-shaped event is enqueued
 * right after the object is stored (a crash in between is repaired by {@link resumeHome}).
 */
async function uploadOne(
  ports: PipelinePorts,
  file: string,
  key: string,
  runId: string,
  announce: boolean,
): Promise<void> {
  const { size } = await stat(file);
  if (size > LIMITS.maxFitsBytes) {
    await ports.index.putSourceStatus({
      sourceKey: key,
      status: 'REJECTED',
      reason: `${file}: ${size} bytes exceeds the limit of ${LIMITS.maxFitsBytes} bytes; not uploaded`,
      runId,
      sizeBytes: size,
      updatedAt: new Date().toISOString(),
    });
    return;
  }
  const body = await readFile(file);
  await ports.blobs.put(key, body, { contentType: 'application/fits' });
  crashPoint('upload');
  if (announce) {
    const head = await ports.blobs.head(key);
    await ports.ingestQueue.sendBatch([s3CreatedEvent('local', key, body.length, head?.etag)]);
  }
}

/**
 * Drains the embedded ingest queue in this process, as the preprocess Lambda drains SQS: a message
 * is deleted only after its object has its row; a transient failure is retried after a short pause
 * and dead-lettered after `LIMITS.maxReceiveCount` receives (its row then says so).
 */
async function drainIngest(
  ports: PipelinePorts,
  log: PipelineLogger,
  onProgress: (done: number, total: number) => void,
): Promise<void> {
  let done = 0;
  for (;;) {
    const messages = await ports.ingestQueue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (messages.length === 0) {
      const d = await ports.ingestQueue.depth();
      if (d.visible + d.inFlight === 0) return;
      // Another process holds some (released here once it is gone), or a retry waits out its pause.
      if (hasInspectableQueues(ports)) ports.ingestQueue.releaseOrphans();
      await sleep(100);
      continue;
    }
    for (const m of messages) {
      try {
        await processIngestBody({ ...ports, log }, m.body, { receiveCount: m.receiveCount });
        await ports.ingestQueue.delete([m.receiptHandle]);
      } catch (err) {
        log.warn('ingest will be retried', { messageId: m.messageId, reason: oneLine(err) });
        await ports.ingestQueue.changeVisibility(m.receiptHandle, RETRY_PAUSE_SECONDS).catch(() => {});
      }
      const d = await ports.ingestQueue.depth();
      onProgress(++done, done + d.visible + d.inFlight);
    }
  }
}

/** Pause before an embedded ingest retry: long enough for a busy disk, short enough to wait out. */
const RETRY_PAUSE_SECONDS = 1;

/**
 * Copies a folder store's champion — and its velocity-only fallback, for galaxies without a
 * dispersion map — into the pipeline's bucket and promotes it there.
 */
async function seedChampion(dir: string, ports: PipelinePorts): Promise<string | undefined> {
  if (!existsSync(join(dir, 'champion.json'))) return undefined;
  const source = new FolderModelStore(dir);
  const version = await source.champion();
  if (!version) return undefined;
  const target = new BlobModelRepository(ports.blobs);
  await target.saveFiles(version, await source.load(version));
  const fallback = await source.fallback();
  if (fallback) await target.saveFiles(fallback, await source.load(fallback));
  await target.promote(version, `seeded from ${dir}`, { fallback });
  return version;
}
