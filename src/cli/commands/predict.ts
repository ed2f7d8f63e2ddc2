import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULT_THRESHOLDS } from '../../config/index.ts';
import { FitsError } from '../../fits/index.ts';
import { MapError } from '../../maps/index.ts';
import type { InputKind } from '../../maps/model-input.ts';
import { MAP_SIZE } from '../../maps/preprocess.ts';
import { initBackend } from '../../model/backend.ts';
import { temperatureOf } from '../../model/calibration.ts';
import { loadMapInputs, type MapInput, MapInputError } from '../../model/dataset.ts';
import { oodOf, oodVerdict } from '../../model/ood.ts';
import { checkThresholds, type Prediction, predictMaps, ThresholdError } from '../../model/predict.ts';
import {
  artifactsToModel,
  type ModelArtifacts,
  ModelStoreError,
  modelInputKind,
  type ResolvedModel,
  resolveModelDir,
} from '../../model/store.ts';
import { DEFAULT_MC_PASSES, DEFAULT_MC_SEED, predictiveUncertainty } from '../../model/uncertainty.ts';
import { integer, unitInterval } from '../args.ts';
import { asInputError, UsageError } from '../errors.ts';

interface PredictCliOptions {
  model: string;
  format: 'table' | 'csv' | 'jsonl' | 'json';
  fastThreshold: number;
  slowThreshold: number;
  passes: number;
  uncertainty: 'mc-dropout' | 'tta' | 'both';
}

interface Row {
  file: string;
  galaxyId: string;
  probability: number;
  class: string;
  /** What the model that classified this galaxy read. */
  inputKind: InputKind;
  /** Why this galaxy went to another model than the champion, or why its class is uncertain. */
  note?: string;
  /** The map is unlike the training data (src/model/ood.ts). */
  outOfDistribution?: boolean;
  uncertaintyMean?: number;
  uncertaintyStd?: number;
  uncertaintyPasses?: number;
}

function toRow(
  file: string,
  galaxyId: string,
  p: Prediction,
  inputKind: InputKind,
  note: string | undefined,
): Row {
  const r: Row = { file, galaxyId, probability: p.probability, class: p.class, inputKind };
  if (note) r.note = note;
  if (p.uncertainty) {
    r.uncertaintyMean = p.uncertainty.mean;
    r.uncertaintyStd = p.uncertainty.std;
    r.uncertaintyPasses = p.uncertainty.passes;
  }
  return r;
}

const csvCell = (v: unknown) => {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function formatRows(rows: readonly Row[], format: PredictCliOptions['format']): string {
  const withU = rows.some((r) => r.uncertaintyPasses !== undefined);
  const cols: (keyof Row)[] = ['file', 'galaxyId', 'probability', 'class', 'inputKind'];
  if (withU) cols.push('uncertaintyMean', 'uncertaintyStd', 'uncertaintyPasses');
  if (rows.some((r) => r.outOfDistribution !== undefined)) cols.push('outOfDistribution');
  if (rows.some((r) => r.note)) cols.push('note');
  if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv')
    return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => csvCell(r[c])).join(',')).join('\n')}\n`;
  const show = (r: Row, c: keyof Row) =>
    typeof r[c] === 'number' && c !== 'uncertaintyPasses' ? (r[c] as number).toFixed(4) : String(r[c] ?? '');
  const header = cols.filter((c) => c !== 'file');
  const widths = header.map((c) => Math.max(c.length, ...rows.map((r) => show(r, c).length)));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => s.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map((r) => line(header.map((c) => show(r, c))))].join('\n')}\n`;
}

interface InputGroup {
  artifacts: ModelArtifacts;
  kind: InputKind;
  members: number[];
  note?: string;
}

/**
 * Which model classifies which galaxy: the champion for every galaxy that has the input it reads;
 * a galaxy without a dispersion map goes to the velocity-only fallback, and the row says so; with no
 * fallback it is skipped with a line naming its file.
 */
function planInputs(
  resolved: ResolvedModel,
  maps: readonly MapInput[],
): { groups: InputGroup[]; skipped: string[] } {
  const kind = modelInputKind(resolved.artifacts);
  const main: InputGroup = { artifacts: resolved.artifacts, kind, members: [] };
  const fb = resolved.fallback;
  const fallback: InputGroup | undefined = fb
    ? {
        artifacts: fb.artifacts,
        kind: modelInputKind(fb.artifacts),
        members: [],
        note: `no dispersion map: velocity-only fallback model ${basename(fb.dir)}`,
      }
    : undefined;
  const skipped: string[] = [];
  maps.forEach((m, i) => {
    if (m.inputs[kind]) main.members.push(i);
    else if (fallback && m.inputs[fallback.kind]) fallback.members.push(i);
    else
      skipped.push(
        `${m.file}: no dispersion map, and the ${kind} model ${basename(resolved.dir)} has no velocity-only fallback; skipped`,
      );
  });
  return { groups: [main, ...(fallback ? [fallback] : [])].filter((g) => g.members.length > 0), skipped };
}

/** `galspin predict`: P(fast) and class for each galaxy's velocity (+ dispersion) maps. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('classify velocity maps as fast / slow / uncertain rotators with a trained model')
    .argument('<file-or-dir...>', 'velocity FITS files or folders of them (searched recursively)')
    .requiredOption('--model <dir>', 'model folder (model.json …) or a store root with champion.json')
    .addOption(
      new Option('--format <f>', 'output format').choices(['table', 'csv', 'jsonl', 'json']).default('table'),
    )
    .option(
      '--fast-threshold <p>',
      'p ≥ this → fast',
      unitInterval('--fast-threshold'),
      DEFAULT_THRESHOLDS.fast,
    )
    .option(
      '--slow-threshold <p>',
      'p ≤ this → slow',
      unitInterval('--slow-threshold'),
      DEFAULT_THRESHOLDS.slow,
    )
    .option(
      '--passes <n>',
      'stochastic passes for the uncertainty (0 = none)',
      integer('--passes', 0, 1000),
      DEFAULT_MC_PASSES,
    )
    .addOption(
      new Option('--uncertainty <m>', 'uncertainty method')
        .choices(['mc-dropout', 'tta', 'both'])
        .default('mc-dropout'),
    )
    .addHelpText(
      'after',
      `
Each velocity file is paired with its dispersion file (given, or lying beside it); a galaxy without
one goes to the store's velocity-only fallback model and its row says so (note, inputKind).
p is P(fast) at the model's serving temperature (fitted on another generator family when the card
says so, else on validation); a map unlike the training data is uncertain (outOfDistribution).
jsonl prints one line per galaxy:
{"file","galaxyId","probability","class"} plus uncertaintyMean/Std/Passes (--passes 0: none).
The uncertainty is on the same calibrated scale: mean and standard deviation of σ(z/T) over
${DEFAULT_MC_PASSES} passes by default, dropout masks seeded by each map's own content, so a file gets
the same numbers here as from \`galspin run\` and the AWS pipeline.

Examples:
  galspin predict runs/survey/fits --model models/champion-dir --format jsonl
  galspin predict a_velocity.fits --model models --passes 0   # no uncertainty`,
    )
    .action(async (inputs: string[], o: PredictCliOptions) => {
      let thresholds: { fast: number; slow: number };
      try {
        thresholds = checkThresholds({ fast: o.fastThreshold, slow: o.slowThreshold });
      } catch (err) {
        if (err instanceof ThresholdError) throw new UsageError(err.message);
        throw err;
      }
      const resolved = await asInputError(resolveModelDir(o.model), ModelStoreError);
      const maps = await asInputError(loadMapInputs(inputs), MapInputError, MapError, FitsError);
      const { tf } = await initBackend();
      const plan = planInputs(resolved, maps);
      const rows: (Row | undefined)[] = new Array(maps.length);
      for (const group of plan.groups) {
        const model = await artifactsToModel(tf, group.artifacts);
        const groupInputs = group.members.map((i) => maps[i].inputs[group.kind] as Float32Array);
        const temperature = temperatureOf(group.artifacts.metrics);
        const preds = await predictMaps(tf, model, groupInputs, { temperature, thresholds });
        if (o.passes > 0) {
          // Calibrated passes and per-map dropout masks, exactly as the pipeline's classifier.
          const u = await predictiveUncertainty(tf, model, groupInputs, {
            passes: o.passes,
            method: o.uncertainty,
            seed: DEFAULT_MC_SEED,
            temperature,
          });
          u.forEach((e, k) => {
            preds[k].uncertainty = { mean: e.mean, std: e.std, passes: e.passes, method: e.method };
          });
        }
        model.dispose();
        const ood = oodOf(group.artifacts.metrics);
        group.members.forEach((i, k) => {
          const verdict = oodVerdict(ood, groupInputs[k], MAP_SIZE);
          let note = group.note;
          if (verdict?.outOfDistribution) {
            // Unlike the training data: no confident class, whatever the probability (as the pipeline).
            preds[k].class = 'uncertain';
            note = [
              note,
              `out of distribution: input-feature distance ${verdict.distance.toFixed(1)} > ${verdict.threshold.toFixed(1)}`,
            ]
              .filter(Boolean)
              .join('; ');
          }
          rows[i] = toRow(maps[i].file, maps[i].galaxyId, preds[k], group.kind, note);
          if (verdict) rows[i].outOfDistribution = verdict.outOfDistribution;
        });
      }
      for (const s of plan.skipped) process.stderr.write(`galspin: ${s}\n`);
      if (plan.skipped.length > 0) process.exitCode = 1;
      process.stdout.write(
        formatRows(
          rows.filter((r): r is Row => r !== undefined),
          o.format,
        ),
      );
    });
}
