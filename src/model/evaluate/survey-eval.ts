/**
 * Loads a labeled survey (catalogue.csv + SAMI FITS pairs), classifies it with a model, and scores
 * the model and galspin's classical λRe–ε rule (the ingest measurement, src/maps/science.ts) on
 * the same maps: `galspin evaluate` and scripts/quality-run.sh.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { loadKinematicMap } from '../../maps/load.ts';
import { buildModelInput, type InputKind } from '../../maps/model-input.ts';
import { cleanKinematics } from '../../maps/quality.ts';
import { classifyRotator, ROTATOR_RULES, type RotatorRule } from '../../maps/rules.ts';
import { measureMapScience } from '../../maps/science.ts';
import type { ModelArtifacts } from '../../ports/model-store.ts';
import { readCatalogue } from '../../survey/catalogue.ts';
import { predictMaps } from '../serve/predict.ts';
import { artifactsToModel } from '../store.ts';
import { resolveCatalogue } from '../train/labelled-survey.ts';
import { temperatureOf } from './calibration.ts';
import { type ClassifierScore, type RuleScore, scoreProbabilities, scoreRule } from './survey-score.ts';

export interface SurveyMaps {
  source: string;
  rule: RotatorRule;
  ids: string[];
  labels: number[];
  kinds: string[];
  inputs: Record<InputKind, Float32Array[]>;
  /** The classical rule's class per galaxy (1 fast, 0 slow), undefined when unmeasurable. */
  ruleFast: (number | undefined)[];
}

/** The survey's label rule from survey.json, else Cappellari 2016. */
async function surveyRule(dir: string): Promise<RotatorRule> {
  try {
    const s = JSON.parse(await readFile(join(dir, 'survey.json'), 'utf8')) as { rule?: unknown };
    if (ROTATOR_RULES.includes(s.rule as RotatorRule)) return s.rule as RotatorRule;
  } catch {
    // no summary: older or hand-made surveys
  }
  return 'cappellari2016';
}

/** Every labeled galaxy of a survey, as both network inputs and the classical rule's class. */
export async function loadSurveyMaps(
  dirOrCatalogue: string,
  onProgress?: (done: number, total: number) => void,
): Promise<SurveyMaps> {
  const catalogue = await resolveCatalogue(dirOrCatalogue);
  const base = dirname(catalogue);
  const rule = await surveyRule(base);
  const rows = (await readCatalogue(catalogue)).filter((r) => r.label !== 'unknown');
  const out: SurveyMaps = {
    source: catalogue,
    rule,
    ids: [],
    labels: [],
    kinds: [],
    inputs: { velocity: [], 'velocity+dispersion': [] },
    ruleFast: [],
  };
  for (const row of rows) {
    const map = await loadKinematicMap(join(base, row.velocityFile), join(base, row.dispersionFile));
    out.ids.push(row.catid);
    out.labels.push(row.label === 'fast' ? 1 : 0);
    out.kinds.push(row.kind);
    const clean = cleanKinematics(map);
    out.inputs.velocity.push(buildModelInput(map, 'velocity').input);
    out.inputs['velocity+dispersion'].push(
      buildModelInput(map, 'velocity+dispersion', undefined, clean).input,
    );
    const s = measureMapScience(map, clean);
    out.ruleFast.push(
      s.lambdaRe !== undefined && s.ellipticity !== undefined
        ? classifyRotator(s.lambdaRe, s.ellipticity, rule) === 'fast'
          ? 1
          : 0
        : undefined,
    );
    onProgress?.(out.ids.length, rows.length);
  }
  return out;
}

export interface SurveyEvaluation {
  survey: string;
  rule: RotatorRule;
  model: ClassifierScore;
  lambdaReRule: RuleScore;
  probabilities: { galaxyId: string; label: number; kind: string; p: number }[];
}

/** The model's calibrated P(fast) on the survey, scored, with the λRe–ε rule beside it. */
export async function evaluateOnSurvey(
  tf: typeof tfjs,
  artifacts: ModelArtifacts,
  kind: InputKind,
  maps: SurveyMaps,
): Promise<SurveyEvaluation> {
  const model = await artifactsToModel(tf, artifacts);
  const preds = await predictMaps(tf, model, maps.inputs[kind], {
    temperature: temperatureOf(artifacts.metrics),
  });
  model.dispose();
  const p = preds.map((x) => x.probability);
  return {
    survey: maps.source,
    rule: maps.rule,
    model: scoreProbabilities(maps.labels, p, maps.kinds),
    lambdaReRule: scoreRule(maps.labels, maps.ruleFast),
    probabilities: maps.ids.map((galaxyId, i) => ({
      galaxyId,
      label: maps.labels[i],
      kind: maps.kinds[i],
      p: p[i],
    })),
  };
}
