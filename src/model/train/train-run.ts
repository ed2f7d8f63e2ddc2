/**
 * One complete training run, as `galspin train` and scripts/quality-run.sh perform it:
 * load the survey → train (honest or paper protocol) → evaluate on the test split → model folder with
 * model.json, weights.bin, metrics.json, model-card.md (and history.csv).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { DEFAULT_THRESHOLDS } from '../../config/index.ts';
import { channelsOf, inputKindOfChannels, NORMALISATION_NOTE } from '../../maps/model-input.ts';
import { applyTemperature, expectedCalibrationError, fitTemperature } from '../evaluate/calibration.ts';
import { evaluateModel } from '../evaluate/evaluate.ts';
import { predictLogits } from '../serve/batched.ts';
import { fitOod } from '../serve/ood.ts';
import { modelToArtifacts, writeModelDir } from '../store.ts';
import { attachReportAssets } from './build-report-assets.ts';
import { historyCsv } from './callbacks.ts';
import type { SurveyData } from './labelled-survey.ts';
import { codeVersion, type MetricsJson, modelCard, newModelVersion, PAPER_FIGURES } from './model-card.ts';
import { type TrainOptions, type TrainResult, trainClassifier } from './train.ts';

/** Paths inside the working directory are recorded relative to it (portable model cards). */
function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}

export interface TrainRunResult {
  metrics: MetricsJson;
  result: TrainResult;
  dir: string;
}

export async function trainAndSave(
  tf: typeof tfjs,
  backendName: string,
  data: Pick<SurveyData, 'ids' | 'inputs' | 'labels' | 'kinds' | 'source' | 'hash'> &
    Partial<Pick<SurveyData, 'inputKind'>>,
  outDir: string,
  options: Partial<TrainOptions> = {},
  /** A labeled survey of another generator family to fit the serving temperature on. */
  calibrateOn?: { source: string; inputs: Float32Array[]; labels: number[] },
): Promise<TrainRunResult> {
  const t0 = performance.now();
  // The network's input channels follow the data (trainClassifier); a named kind must agree with them.
  const result = await trainClassifier(tf, data, {
    ...options,
    model: { ...options.model, ...(data.inputKind ? { inputChannels: channelsOf(data.inputKind) } : {}) },
  });
  const inputKind = inputKindOfChannels(result.config.inputChannels);
  const seconds = (performance.now() - t0) / 1000;
  const test = evaluateModel(tf, result.model, result.test, result.validation, result.config.inputSize);
  const code = codeVersion();
  const nFast = data.labels.filter((l) => l === 1).length;
  const metrics: MetricsJson = {
    modelVersion: newModelVersion(new Date(), code),
    protocol: options.protocol ?? 'honest',
    backend: backendName,
    data: {
      source: displayPath(data.source),
      hash: data.hash,
      nGalaxies: data.ids.length,
      nFast,
      nSlow: data.ids.length - nFast,
      splitSeed: result.config.seed,
      split: {
        train: result.split.train.length,
        validation: result.split.validation.length,
        test: result.split.test.length,
      },
    },
    test,
    history: result.history,
    paper: PAPER_FIGURES,
    codeVersion: code,
    createdAt: new Date().toISOString(),
    config: result.config,
    inputKind,
    normalisation: NORMALISATION_NOTE,
    training: {
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      trainSamplesPerEpoch: result.trainSamplesPerEpoch,
      seconds,
      priorShift: result.priorShift,
    },
    thresholds: { ...DEFAULT_THRESHOLDS },
  };
  if (calibrateOn && calibrateOn.inputs.length > 0) {
    const logits = predictLogits(tf, result.model, calibrateOn.inputs, result.config.inputSize);
    const temperature = fitTemperature(logits, calibrateOn.labels);
    metrics.calibration = {
      temperature,
      method: 'cross-generator',
      survey: displayPath(calibrateOn.source),
      n: calibrateOn.inputs.length,
      ece: expectedCalibrationError(applyTemperature(logits, temperature), calibrateOn.labels),
    };
  }
  // The OOD model sees the training split only (the test split stays untouched).
  const trainSet = new Set(result.trainGalaxies);
  const trainInputs = data.inputs.filter((_, i) => trainSet.has(data.ids[i]));
  if (trainInputs.length >= 20) metrics.ood = fitOod(trainInputs, result.config.inputSize);
  const artifacts = await modelToArtifacts(tf, result.model);
  await writeModelDir(outDir, {
    ...artifacts,
    metrics: metrics as unknown as Record<string, unknown>,
    modelCard: modelCard(metrics),
  });
  await writeFile(join(outDir, 'history.csv'), historyCsv(result.history));
  // The report's data travels with the model: `galspin report --model DIR` draws every figure alone.
  if (existsSync(data.source)) {
    await attachReportAssets(tf, result.model, outDir, {
      metrics: metrics as unknown as Record<string, unknown>,
      survey: { catalogue: data.source },
      unknownSurvey: { catalogue: data.source },
      inputKind,
    }).catch((err: Error) => {
      process.stderr.write(`${outDir}: report assets not written (${err.message.split('\n')[0]})\n`);
    });
  }
  return { metrics, result, dir: outDir };
}
