/**
 * One file, one answer: `galspin predict`, the embedded pipeline (`galspin run`: folder bucket +
 * SQLite) and the AWS pipeline (moto: S3 → SQS → the preprocess Lambda handler → worker → DynamoDB)
 * give the same calibrated probability and the same MC-dropout mean and σ for the same FITS files,
 * all with their default number of passes (DEFAULT_MC_PASSES) and the committed champion under
 * models/. Dropout masks depend on each map's content, never on the batch it is classified in, so
 * the pipelines (which batch all galaxies together) agree with predict. The moto part is skipped
 * when python3 or moto is missing.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPorts } from '../../src/app/embedded-ports.ts';
import { runLocal } from '../../src/app/local-run.ts';
import { syntheticUpload } from '../../src/app/synthetic-uploads.ts';
import type { ClassifiedResult } from '../../src/config/rows.ts';
import { initBackend } from '../../src/model/backend.ts';
import { DEFAULT_MC_PASSES } from '../../src/model/serve/uncertainty.ts';
import type { PipelinePorts } from '../../src/ports/pipeline-ports.ts';
import { motoAvailability, startMotoForSuite } from '../support/moto.ts';
import { runGalspin } from '../support/run-cli.ts';

const ROOT = join(import.meta.dirname, '../..');
const MODELS = join(ROOT, 'models');
const POINTER = JSON.parse(readFileSync(join(MODELS, 'champion.json'), 'utf8')) as {
  version: string;
  fallback?: string;
};
const CHAMPION = POINTER.version;
const REAL_SAMI = join(ROOT, 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits');

interface Answer {
  probability: number;
  mean: number;
  std: number;
  passes: number;
}

const work = mkdtempSync(join(tmpdir(), 'galspin-agree-'));
const inputDir = join(work, 'fits');
let tf: typeof tfjs;
let backend: string;
let predicted: Map<string, Answer>;

/** Four simulated galaxies (velocity + dispersion files) and one real SAMI velocity map. */
function writeInputs(): void {
  rmSync(inputDir, { recursive: true, force: true });
  mkdirSync(inputDir, { recursive: true });
  const galaxies = [
    syntheticUpload('9008500101', 'fast', 11),
    syntheticUpload('9008500102', 'fast', 12),
    syntheticUpload('9008500103', 'slow', 13),
    syntheticUpload('9008500104', 'slow', 14),
  ];
  for (const g of galaxies) {
    writeFileSync(join(inputDir, g.velocity.name), g.velocity.bytes);
    writeFileSync(join(inputDir, g.dispersion.name), g.dispersion.bytes);
  }
  copyFileSync(REAL_SAMI, join(inputDir, '105420_stellar-velocity_default_two-moment.fits'));
}

async function pipelineAnswers(ports: PipelinePorts, ids: readonly string[]): Promise<Map<string, Answer>> {
  const out = new Map<string, Answer>();
  for (const id of ids) {
    // A galaxy without a dispersion map (the real SAMI velocity file) goes to the velocity-only
    // fallback, as predict sends it there too.
    const row =
      (await ports.index.getResult(id, CHAMPION)) ??
      (POINTER.fallback ? await ports.index.getResult(id, POINTER.fallback) : undefined);
    expect(row?.status, `${id} classified by ${CHAMPION} or its fallback`).toBe('CLASSIFIED');
    const r = row as ClassifiedResult;
    out.set(id, {
      probability: r.probability,
      mean: r.uncertainty.mean,
      std: r.uncertainty.std,
      passes: r.uncertainty.passes,
    });
  }
  return out;
}

function expectAgreement(label: string, got: Map<string, Answer>, want: Map<string, Answer>): void {
  const lines: string[] = [];
  for (const [id, w] of want) {
    const g = got.get(id) as Answer;
    expect(g, `${label}: ${id}`).toBeDefined();
    lines.push(
      `${label} ${id}: p ${g.probability.toFixed(6)} vs ${w.probability.toFixed(6)}, mean ${g.mean.toFixed(6)} vs ${w.mean.toFixed(6)}, σ ${g.std.toExponential(4)} vs ${w.std.toExponential(4)}`,
    );
    expect(g.passes).toBe(DEFAULT_MC_PASSES);
    // Same bytes in, same logit out: ONNX Runtime (pipeline) and TensorFlow.js (predict) agree to
    // float rounding; the masks are identical, so σ agrees to the same tolerance.
    expect(Math.abs(g.probability - w.probability)).toBeLessThan(1e-5);
    expect(Math.abs(g.mean - w.mean)).toBeLessThan(1e-5);
    expect(Math.abs(g.std - w.std)).toBeLessThan(1e-5 + 1e-3 * w.std);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

beforeAll(async () => {
  const b = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} });
  tf = b.tf;
  backend = b.name;
  writeInputs();
  // galspin predict with its defaults (DEFAULT_MC_PASSES passes), as a user runs it.
  const r = await runGalspin(['predict', inputDir, '--model', MODELS, '--format', 'jsonl']);
  expect(r.code, r.err).toBe(0);
  predicted = new Map(
    r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((row) => [
        String(row.galaxy_id),
        {
          probability: row.p_fast,
          mean: row.p_fast_mean,
          std: row.p_fast_std,
          passes: row.n_passes,
        },
      ]),
  );
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the same file gets the same probability and σ everywhere', () => {
  it('galspin predict: default passes, mean on the scale of probability', () => {
    expect(predicted.size).toBe(5);
    for (const [id, a] of predicted) {
      expect(a.passes, id).toBe(DEFAULT_MC_PASSES);
      expect(Math.abs(a.mean - a.probability), id).toBeLessThan(0.1);
    }
    const gaps = [...predicted.values()].map((a) => Math.abs(a.mean - a.probability)).sort((x, y) => x - y);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(0.05);
  });

  it('the embedded run (galspin run: folder bucket + SQLite) agrees with predict', async () => {
    const home = join(work, 'home');
    const ports = embeddedPorts(home);
    try {
      const s = await runLocal({
        ports,
        tf,
        backend,
        inputDir,
        demoDir: join(work, 'unused-demo'),
        seedModelsDir: MODELS,
        igSteps: 2,
      });
      expect(s.championVersion).toBe(CHAMPION);
      expectAgreement('embedded', await pipelineAnswers(ports, [...predicted.keys()]), predicted);
    } finally {
      ports.close();
    }
  }, 300_000);

  const moto = motoAvailability();
  it.skipIf(!moto.ok)(
    'the AWS pipeline against moto agrees with predict',
    async () => {
      const started = await startMotoForSuite({ provision: 'agree' });
      try {
        // Imported after the environment points at moto: the SDK clients are created at first use.
        const { awsPortsFromEnv } = await import('../../src/app/cli-ports.ts');
        const { handler } = await import('../../lambdas/preprocess.ts');
        const ports = await awsPortsFromEnv();
        try {
          const s = await runLocal({
            ports,
            tf,
            backend,
            inputDir,
            demoDir: join(work, 'unused-demo'),
            seedModelsDir: MODELS,
            igSteps: 2,
            preprocessHandler: handler,
          });
          expect(s.championVersion).toBe(CHAMPION);
          expectAgreement('moto', await pipelineAnswers(ports, [...predicted.keys()]), predicted);
        } finally {
          ports.close();
        }
      } finally {
        await started.stop();
      }
    },
    300_000,
  );
});
