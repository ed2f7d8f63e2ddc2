/**
 * Pipeline benchmark: N synthetic velocity FITS files end to end (upload → ingest → classify with
 * MC dropout + Integrated Gradients → rows + attributions) on the embedded adapters and, with
 * --moto, against moto through the real preprocess handler. Prints files/s per stage, end-to-end
 * time, and peak RSS at each N (flat in N means memory is bounded by the batch, not the run).
 *
 *   npm run bench:pipeline                         # embedded, N = 250 and 1000
 *   npm run bench:pipeline -- --n 250,1000 --moto  # also against moto
 *   options: --ig-steps 32 --mc-passes 10 --batch 64 --model table1 (paper's network, untrained) | tiny
 *            --engine auto | onnx | tfjs (who serves inference, MC dropout and IG)
 * Goal (issue 5): ≥ 20 galaxies/s on 2 cores with IG included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedPorts } from '../src/app/embedded-ports.ts';
import { syntheticUpload } from '../src/app/synthetic-uploads.ts';
import { s3CreatedEvent } from '../src/config/index.ts';
import { initBackend } from '../src/model/backend.ts';
import { SERVING_ENGINES, type ServingEngineChoice } from '../src/model/serve/onnx/serving.ts';
import { buildModel } from '../src/model/train/network.ts';
import { processIngestBody } from '../src/pipeline/ingest-event.ts';
import { BlobModelRepository } from '../src/pipeline/model-repository.ts';
import { RepositoryClassifierSource } from '../src/pipeline/tf-classifier.ts';
import { runWorker } from '../src/pipeline/worker.ts';
import type { PipelinePorts } from '../src/ports/pipeline-ports.ts';
import type { BlobStore } from '../src/ports/storage.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '250,1000' },
    moto: { type: 'boolean', default: false },
    'ig-steps': { type: 'string', default: '32' },
    'mc-passes': { type: 'string', default: '10' },
    batch: { type: 'string', default: '64' },
    model: { type: 'string', default: 'table1' },
    engine: { type: 'string', default: 'auto' },
  },
});
const sizes = values.n.split(',').map(Number);
const igSteps = Number(values['ig-steps']);
const mcPasses = Number(values['mc-passes']);
const batchSize = Number(values.batch);
const engine = values.engine as ServingEngineChoice;
if (!SERVING_ENGINES.includes(engine))
  throw new Error(`--engine ${values.engine}: expected ${SERVING_ENGINES.join(', ')}`);
let engineLine = '';

const backend = await initBackend();
const tf = backend.tf;

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

async function installChampion(blobs: BlobStore): Promise<void> {
  const repo = new BlobModelRepository(blobs);
  const model = buildModel(tf, values.model === 'tiny' ? { convFilters: [4], denseUnits: [8] } : {});
  await repo.saveModel(tf, 'bench', model);
  model.dispose();
  await repo.promote('bench');
}

interface Figures {
  n: number;
  upload: number;
  ingest: number;
  classify: number;
  total: number;
  peakMiB: number;
}

async function runOnce(
  label: string,
  ports: PipelinePorts,
  n: number,
  ingestAll: (keys: { key: string; size: number }[]) => Promise<void>,
): Promise<Figures> {
  await installChampion(ports.blobs);
  peak = process.memoryUsage().rss;
  const t0 = performance.now();
  const uploaded: { key: string; size: number }[] = [];
  for (let i = 0; i < n; i++) {
    // Generated one at a time and dropped: the run never holds N files in memory.
    const up = syntheticUpload(String(7_000_000 + i), i % 4 === 0 ? 'slow' : 'fast', i + 1);
    const key = `incoming/bench-${n}/${up.velocity.name}`;
    await ports.blobs.put(key, up.velocity.bytes);
    uploaded.push({ key, size: up.velocity.bytes.length });
  }
  const t1 = performance.now();
  await ingestAll(uploaded);
  const t2 = performance.now();
  const models = new RepositoryClassifierSource(tf, backend.name, new BlobModelRepository(ports.blobs), {
    igSteps,
    mcPasses,
    engine,
    log: (line) => {
      engineLine = line;
    },
  });
  const stats = await runWorker(
    { blobs: ports.blobs, index: ports.index, queue: ports.classifyQueue, models },
    { batchSize, batchMs: 200, waitSeconds: 1, untilEmpty: true },
  );
  const t3 = performance.now();
  await models.dispose();
  if (stats.classified !== n) console.error(`${label}: classified ${stats.classified} of ${n}`);
  return {
    n,
    upload: n / ((t1 - t0) / 1000),
    ingest: n / ((t2 - t1) / 1000),
    classify: n / ((t3 - t2) / 1000),
    total: (t3 - t0) / 1000,
    peakMiB: peak / 2 ** 20,
  };
}

function print(label: string, f: Figures): void {
  console.log(
    `${label.padEnd(9)} N=${String(f.n).padStart(5)}  upload ${f.upload.toFixed(1).padStart(7)} files/s  ` +
      `ingest ${f.ingest.toFixed(1).padStart(6)} files/s  classify+IG ${f.classify.toFixed(1).padStart(6)} galaxies/s  ` +
      `end-to-end ${f.total.toFixed(1).padStart(6)} s (${(f.n / f.total).toFixed(1)} galaxies/s)  peak RSS ${f.peakMiB.toFixed(0)} MiB`,
  );
}

console.log(
  `backend ${backend.name}, model ${values.model}, IG ${igSteps} steps, MC dropout ${mcPasses} passes, batch ${batchSize}; goal ≥ 20 galaxies/s end to end`,
);
for (const n of sizes) {
  const home = mkdtempSync(join(tmpdir(), 'galspin-bench-'));
  const ports = embeddedPorts(home);
  try {
    const f = await runOnce('embedded', ports, n, async (keys) => {
      for (const { key, size } of keys) await processIngestBody(ports, s3CreatedEvent('local', key, size));
    });
    if (engineLine) console.log(engineLine);
    engineLine = '';
    print('embedded', f);
  } finally {
    ports.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (values.moto) {
  const { startMotoForSuite } = await import('../test/support/moto.ts');
  const { stop } = await startMotoForSuite({ provision: 'bench' });
  try {
    const { awsPortsFromEnv } = await import('../src/app/cli-ports.ts');
    const { handler } = await import('../lambdas/preprocess.ts');
    const { drainThroughHandler } = await import('../src/app/bridge.ts');
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    for (const n of sizes) {
      const ports = await awsPortsFromEnv();
      // moto delivers the S3 events itself; the bridge runs the real handler on them.
      const f = await runOnce('moto', ports, n, async () => {
        await drainThroughHandler(ports.ingestQueue, handler, { waitSeconds: 1 });
      });
      print('moto', f);
    }
  } finally {
    await stop();
  }
}
clearInterval(sampler);
