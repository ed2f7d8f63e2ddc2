/**
 * The container smoke test's driver (run by scripts/container-smoke.sh, which builds the image):
 * moto on the host → provision → push the bundled champion → the infer-worker container →
 * N files dropped in incoming/ (some bad) → the preprocess handler driven as `galspin run --aws`
 * drives it → every file must end as exactly one source row → the train task container once
 * (writes a model, must not promote it) → everything stopped → one summary line.
 *
 * Env: GALSPIN_SMOKE_IMAGE (default localhost/galspin-tasks:cpu), GALSPIN_SMOKE_GALAXIES (synthetic
 * galaxies, default 24: velocity + dispersion each), P (the podman command line, as in the script).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const IMAGE = process.env.GALSPIN_SMOKE_IMAGE ?? 'localhost/galspin-tasks:cpu';
const GALAXIES = Number(process.env.GALSPIN_SMOKE_GALAXIES ?? 24);
const PODMAN = (process.env.P ?? 'podman --runtime runc --cgroup-manager=cgroupfs').split(/\s+/);
const WORKER = 'galspin-smoke-worker';
const TRAINER = 'galspin-smoke-train';
const SAMI = 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits';
/** How long every file may take to reach its row once uploaded. */
const ROWS_TIMEOUT_MS = 10 * 60_000;

const say = (s: string) => process.stderr.write(`[smoke] ${s}\n`);
const children: ChildProcess[] = [];

function podman(args: string[], opts: { quiet?: boolean } = {}): string {
  return execFileSync(PODMAN[0], [...PODMAN.slice(1), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', opts.quiet ? 'ignore' : 'inherit'],
  });
}

/** A container's output, stdout and stderr (where the tasks' JSON log lines go) together. */
function podmanLogs(name: string): string {
  const r = spawnSync(PODMAN[0], [...PODMAN.slice(1), 'logs', name], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<string> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr?.on('data', (b: Buffer) => {
    log = (log + b.toString()).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 60_000; Date.now() < until; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}): ${log}`);
    if (
      await fetch(`${url}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return url;
  }
  throw new Error(`moto did not answer on ${url} within 60 s: ${log}`);
}

/** The container's environment: the same variables the ECS task definition passes. */
function containerEnv(extra: Record<string, string>): string[] {
  const keys = [
    'AWS_ENDPOINT_URL',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'GALSPIN_ENV',
    'GALSPIN_BUCKET',
    'GALSPIN_TABLE',
    'GALSPIN_INGEST_QUEUE_URL',
    'GALSPIN_CLASSIFY_QUEUE_URL',
  ];
  const env: Record<string, string> = {};
  for (const k of keys) env[k] = process.env[k] as string;
  return Object.entries({ ...env, ...extra }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
}

/** `podman run` with what ECS gives the task: read-only root, a writable /tmp, no root user. */
function runArgs(name: string, extraEnv: Record<string, string>, command: string): string[] {
  return [
    'run',
    '--name',
    name,
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp:rw,size=512m',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...containerEnv(extraEnv),
    IMAGE,
    command,
  ];
}

interface Input {
  key: string;
  body: Uint8Array;
  expect: 'CLASSIFIED' | 'REJECTED';
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const endpoint = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    // The handler's per-file INFO lines would bury the summary; rejections still show (WARN).
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  // Imported once the environment points at moto: the SDK clients are built at first use.
  const { provisionLocal } = await import('../../src/adapters/aws/provision.ts');
  const { awsPortsFromEnv } = await import('../../src/app/cli-ports.ts');
  const { pushChampion } = await import('../../src/app/push-champion.ts');
  const { BlobModelRepository } = await import('../../src/pipeline/model-repository.ts');
  const { drainThroughHandler } = await import('../../src/app/bridge.ts');
  const { syntheticUpload } = await import('../../src/app/synthetic-uploads.ts');
  const { handler } = await import('../../lambdas/preprocess.ts');

  const provisioned = await provisionLocal({ environment: 'smoke' });
  Object.assign(process.env, provisioned.env);
  const ports = await awsPortsFromEnv();
  const pushed = await pushChampion('models', ports.blobs);
  say(`moto ${endpoint}; provisioned ${provisioned.bucket}; champion ${pushed.version} (${pushed.outcome})`);

  // The worker container: started before the drop, as the ECS service is.
  podman(['rm', '-f', WORKER], { quiet: true });
  const started = performance.now();
  const worker = spawn(
    PODMAN[0],
    [
      ...PODMAN.slice(1),
      ...runArgs(WORKER, { GALSPIN_WAIT_SECONDS: '2', GALSPIN_BATCH_MS: '500' }, 'tasks/infer-worker.mjs'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(worker);
  let coldStartS = Number.NaN;
  let workerLog = '';
  const onLine = (b: Buffer) => {
    workerLog = (workerLog + b.toString()).slice(-20_000);
    if (Number.isNaN(coldStartS) && /"message":"started"/.test(b.toString()))
      coldStartS = (performance.now() - started) / 1000;
  };
  worker.stdout?.on('data', onLine);
  worker.stderr?.on('data', onLine);
  for (const until = Date.now() + 120_000; Number.isNaN(coldStartS); await sleep(100)) {
    if (worker.exitCode !== null)
      throw new Error(`worker container exited (${worker.exitCode}):\n${workerLog}`);
    if (Date.now() > until) throw new Error(`worker container not started within 120 s:\n${workerLog}`);
  }
  say(`worker container up in ${coldStartS.toFixed(1)} s`);

  // The drop: one real SAMI map, synthetic galaxies (velocity + dispersion), three bad files.
  const runId = `smoke-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const sami = readFileSync(SAMI);
  const inputs: Input[] = [
    {
      key: `incoming/${runId}/105420_stellar-velocity_default_two-moment.fits`,
      body: sami,
      expect: 'CLASSIFIED',
    },
  ];
  for (let i = 0; i < GALAXIES; i++) {
    const up = syntheticUpload(String(9_100_000 + i), i % 2 ? 'slow' : 'fast', 500 + i);
    inputs.push({
      key: `incoming/${runId}/${up.velocity.name}`,
      body: up.velocity.bytes,
      expect: 'CLASSIFIED',
    });
    inputs.push({
      key: `incoming/${runId}/${up.dispersion.name}`,
      body: up.dispersion.bytes,
      expect: 'CLASSIFIED',
    });
  }
  inputs.push(
    {
      key: `incoming/${runId}/bad/truncated_stellar-velocity_default_two-moment.fits`,
      body: sami.subarray(0, 3000),
      expect: 'REJECTED',
    },
    {
      key: `incoming/${runId}/bad/not-fits.fits`,
      body: new TextEncoder().encode('hello, I am text'),
      expect: 'REJECTED',
    },
    {
      key: `incoming/${runId}/bad/table-only.fits`,
      body: readFileSync('test/fixtures/fits/testprog.std'),
      expect: 'REJECTED',
    },
  );
  const galaxies = GALAXIES + 1;
  const dropped = performance.now();
  for (const i of inputs) await ports.blobs.put(i.key, i.body, { contentType: 'application/fits' });
  const ingest = await drainThroughHandler(ports.ingestQueue, handler, { waitSeconds: 2 });
  say(`ingest: ${ingest.processed} messages through the preprocess handler (${ingest.failed} failed)`);

  // Wait until every file has a final row, then check there is exactly one per file.
  const final = new Set(['CLASSIFIED', 'REJECTED', 'FAILED']);
  for (const until = Date.now() + ROWS_TIMEOUT_MS; ; await sleep(1000)) {
    const rows = await Promise.all(inputs.map((i) => ports.index.getSource(i.key)));
    const open = rows.filter((r) => !r || !final.has(r.status)).length;
    if (open === 0) break;
    if (worker.exitCode !== null)
      throw new Error(`worker exited (${worker.exitCode}) with ${open} files open:\n${workerLog}`);
    if (Date.now() > until)
      throw new Error(
        `${open} of ${inputs.length} files without a final row after ${ROWS_TIMEOUT_MS / 1000} s`,
      );
  }
  const doneS = (performance.now() - dropped) / 1000;
  const seen = new Map<string, number>();
  for (const status of ['QUEUED', 'CLASSIFIED', 'REJECTED', 'FAILED'] as const) {
    let cursor: string | undefined;
    do {
      const page = await ports.index.querySourcesByStatus({ status, runId, limit: 1000, cursor });
      for (const r of page.items) seen.set(r.sourceKey, (seen.get(r.sourceKey) ?? 0) + 1);
      cursor = page.cursor;
    } while (cursor);
  }
  const problems: string[] = [];
  for (const i of inputs) {
    const row = await ports.index.getSource(i.key);
    if (seen.get(i.key) !== 1) problems.push(`${i.key}: ${seen.get(i.key) ?? 0} rows`);
    if (row?.status !== i.expect)
      problems.push(`${i.key}: ${row?.status} (${row?.reason ?? ''}), expected ${i.expect}`);
  }
  for (const k of seen.keys())
    if (!inputs.some((i) => i.key === k)) problems.push(`${k}: a row for no dropped file`);
  // 105420 comes without a dispersion map: the champion's velocity-only fallback classifies it.
  const pointer = await new BlobModelRepository(ports.blobs).champion();
  const champion = pointer?.version;
  const g = await ports.index.getGalaxy('105420');
  const want = pointer?.fallback ?? champion;
  if (g.results.map((r) => r.modelVersion).join() !== want)
    problems.push(`galaxy 105420: results ${g.results.map((r) => r.modelVersion).join()} (want ${want})`);
  if (problems.length) throw new Error(`rows:\n  ${problems.join('\n  ')}\n--- worker log ---\n${workerLog}`);
  const rowCount = [...seen.values()].reduce((a, b) => a + b, 0);
  say(`${inputs.length} files → ${rowCount} rows in ${doneS.toFixed(1)} s after the drop`);

  // SIGTERM, as ECS stops a task: the worker finishes the batch in hand and exits 0.
  podman(['stop', '--time', '60', WORKER], { quiet: true });
  const workerExit = worker.exitCode ?? (await new Promise<number | null>((r) => worker.once('exit', r)));
  podman(['rm', '-f', WORKER], { quiet: true });
  if (workerExit !== 0) throw new Error(`worker exited ${workerExit} on SIGTERM:\n${workerLog}`);

  // The train task once: labels from the index (λRe–ε), demo config, never promoted.
  const before = new Set(await new BlobModelRepository(ports.blobs).list());
  podman(['rm', '-f', TRAINER], { quiet: true });
  const tTrain = performance.now();
  let trainFailed: unknown;
  try {
    podman(runArgs(TRAINER, { GALSPIN_TRAIN_FULL: '0' }, 'tasks/train.mjs'), { quiet: true });
  } catch (err) {
    trainFailed = err;
  }
  const trainLog = podmanLogs(TRAINER);
  podman(['rm', '-f', TRAINER], { quiet: true });
  if (trainFailed) throw new Error(`train task failed:\n${trainLog.slice(-6000)}`);
  const trainS = (performance.now() - tTrain) / 1000;
  const repo = new BlobModelRepository(ports.blobs);
  const added = (await repo.list()).filter((v) => !before.has(v));
  const after = (await repo.champion())?.version;
  const done = trainLog
    .split('\n')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })
    .find((l) => l?.message === 'done');
  if (added.length !== 1)
    throw new Error(`train task wrote ${added.length} models (${added.join()}):\n${trainLog}`);
  if (after !== champion) throw new Error(`train task changed the champion ${champion} → ${after}`);
  if (!(await ports.blobs.head(`models/${added[0]}/weights.bin`)))
    throw new Error(`${added[0]}: no weights.bin`);
  say(
    `train task: ${added[0]} in ${trainS.toFixed(0)} s, not promoted (${String(done?.reason ?? 'see log')})`,
  );

  const imageBytes = Number(
    podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE], { quiet: true }).trim(),
  );
  ports.close();
  say(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  process.stdout.write(
    `container smoke: ${inputs.length} files → ${rowCount} rows, image ${(imageBytes / 1e6).toFixed(0)} MB, cold start ${coldStartS.toFixed(1)} s, ${(galaxies / doneS).toFixed(2)} galaxies/s\n`,
  );
}

function stopAll(): void {
  for (const name of [WORKER, TRAINER]) {
    try {
      podman(['rm', '-f', '--time', '5', name], { quiet: true });
    } catch {}
  }
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}

main()
  .then(() => {
    stopAll();
    process.exit(0);
  })
  .catch((err: unknown) => {
    process.stderr.write(`[smoke] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    stopAll();
    process.exit(1);
  });
