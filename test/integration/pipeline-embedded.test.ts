import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embeddedPorts } from '../../src/app/embedded-ports.ts';
import { s3CreatedEvent } from '../../src/config/index.ts';
import { initBackend } from '../../src/model/backend.ts';
import { processIngestBody } from '../../src/pipeline/ingest-event.ts';
import { BlobModelRepository } from '../../src/pipeline/model-repository.ts';
import { RepositoryClassifierSource } from '../../src/pipeline/tf-classifier.ts';
import { runWorker } from '../../src/pipeline/worker.ts';
import { assertOneRowPerInput, installTinyChampion, scenarioInputs } from './pipeline-scenario.ts';

let tf: typeof tfjs;
let backend: string;
beforeAll(async () => {
  const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  tf = b.tf;
  backend = b.name;
});

/** Lambda's event-source mapping on the embedded ingest queue: receive, process, delete successes. */
async function drainIngest(ports: ReturnType<typeof embeddedPorts>): Promise<void> {
  for (;;) {
    const msgs = await ports.ingestQueue.receive({ maxMessages: 10, waitSeconds: 0 });
    if (msgs.length === 0) return;
    const ok: string[] = [];
    for (const m of msgs) {
      await processIngestBody(ports, m.body);
      ok.push(m.receiptHandle);
    }
    await ports.ingestQueue.delete(ok);
  }
}

describe('pipeline on the embedded adapters', () => {
  it('every input ends as exactly one row, even when every S3 event is delivered twice', async () => {
    const ports = embeddedPorts(mkdtempSync(join(tmpdir(), 'galspin-emb-')));
    try {
      const version = await installTinyChampion(tf, ports.blobs);
      const inputs = scenarioInputs('it-1', 4);
      for (const i of inputs) await ports.blobs.put(i.key, i.body);
      const events = inputs.map((i) => s3CreatedEvent('local', i.key, i.body.length));
      await ports.ingestQueue.sendBatch([...events, ...events]);
      await drainIngest(ports);
      const models = new RepositoryClassifierSource(tf, backend, new BlobModelRepository(ports.blobs), {
        igSteps: 8,
        mcPasses: 3,
      });
      const stats = await runWorker(
        { ...ports, queue: ports.classifyQueue, models },
        { batchSize: 16, batchMs: 100, waitSeconds: 0, untilEmpty: true },
      );
      expect(stats.classified).toBeGreaterThanOrEqual(5);
      await assertOneRowPerInput(ports, inputs, version);
      expect(await ports.classifyQueue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
    } finally {
      ports.close();
    }
  });

  it('a worker SIGKILLed mid-batch: every message is redelivered and completed, nothing duplicated', async () => {
    const home = mkdtempSync(join(tmpdir(), 'galspin-kill-'));
    const ports = embeddedPorts(home);
    const version = await installTinyChampion(tf, ports.blobs);
    const inputs = scenarioInputs('it-kill', 6).filter((i) => i.expect === 'CLASSIFIED');
    for (const i of inputs) await ports.blobs.put(i.key, i.body);
    await ports.ingestQueue.sendBatch(inputs.map((i) => s3CreatedEvent('local', i.key, i.body.length)));
    await drainIngest(ports);
    const queued = (await ports.classifyQueue.depth()).visible;
    ports.close();

    // A worker process with a slow IG (many steps) and a short visibility; killed as soon as it holds a batch.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/integration/embedded-worker.ts', home, '4', '400'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b) => {
      out += b.toString();
    });
    for (let t = 0; t < 600 && !out.includes('batch-start'); t++) await sleep(100);
    expect(out).toContain('batch-start');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const again = embeddedPorts(home, { classifyVisibilitySeconds: 2 });
    try {
      const d = await again.classifyQueue.depth();
      expect(d.visible + d.inFlight).toBe(queued);
      const models = new RepositoryClassifierSource(tf, backend, new BlobModelRepository(again.blobs), {
        igSteps: 8,
        mcPasses: 3,
      });
      await runWorker(
        { ...again, queue: again.classifyQueue, models },
        { batchSize: 16, batchMs: 100, waitSeconds: 1, visibilitySeconds: 30, untilEmpty: true },
      );
      await assertOneRowPerInput(again, inputs, version);
      expect(await again.classifyQueue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
    } finally {
      again.close();
    }
  });

  it('a poison classify message reaches the DLQ after 3 receives; redrive brings it back', async () => {
    const ports = embeddedPorts(mkdtempSync(join(tmpdir(), 'galspin-poison-')));
    try {
      await installTinyChampion(tf, ports.blobs);
      await ports.classifyQueue.sendBatch(['{"galaxyId": 42}']);
      const models = new RepositoryClassifierSource(tf, backend, new BlobModelRepository(ports.blobs), {
        igSteps: 8,
        mcPasses: 3,
      });
      const stats = await runWorker(
        { ...ports, queue: ports.classifyQueue, models },
        { batchSize: 4, batchMs: 0, waitSeconds: 0, visibilitySeconds: 0, untilEmpty: true },
      );
      expect(stats.retried).toBe(3);
      expect(await ports.classifyQueue.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 1 });
      expect(await ports.classifyQueue.redrive()).toBe(1);
      const [back] = await ports.classifyQueue.receive({ maxMessages: 1, waitSeconds: 0 });
      expect(back.body).toBe('{"galaxyId": 42}');
    } finally {
      ports.close();
    }
  });
});
