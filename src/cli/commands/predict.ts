import { type Command, Option } from 'commander';
import { DEFAULT_THRESHOLDS } from '../../config/index.ts';
import { FitsError } from '../../fits/index.ts';
import { MapError } from '../../maps/index.ts';
import { initBackend } from '../../model/backend.ts';
import { temperatureOf } from '../../model/calibration.ts';
import { loadMapInputs, MapInputError } from '../../model/dataset.ts';
import { checkThresholds, type Prediction, predictMaps, ThresholdError } from '../../model/predict.ts';
import { artifactsToModel, ModelStoreError, resolveModelDir } from '../../model/store.ts';
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
  uncertaintyMean?: number;
  uncertaintyStd?: number;
  uncertaintyPasses?: number;
}

function toRow(file: string, galaxyId: string, p: Prediction): Row {
  const r: Row = { file, galaxyId, probability: p.probability, class: p.class };
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
  const cols: (keyof Row)[] = ['file', 'galaxyId', 'probability', 'class'];
  if (withU) cols.push('uncertaintyMean', 'uncertaintyStd', 'uncertaintyPasses');
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

/** `galspin predict`: P(fast) and class for each galaxy's velocity map. */
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
      0,
    )
    .addOption(
      new Option('--uncertainty <m>', 'uncertainty method')
        .choices(['mc-dropout', 'tta', 'both'])
        .default('mc-dropout'),
    )
    .addHelpText(
      'after',
      `
p is P(fast), temperature-calibrated on the model's validation split. jsonl prints one line per galaxy:
{"file","galaxyId","probability","class"} plus uncertaintyMean/Std/Passes with --passes.

Examples:
  galspin predict runs/survey/fits --model models/champion-dir --format jsonl
  galspin predict a_velocity.fits --model models --passes 30`,
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
      const model = await artifactsToModel(tf, resolved.artifacts);
      const preds = await predictMaps(
        tf,
        model,
        maps.map((m) => m.input),
        {
          temperature: temperatureOf(resolved.artifacts.metrics),
          thresholds,
          uncertaintyPasses: o.passes,
          uncertaintyMethod: o.uncertainty,
        },
      );
      process.stdout.write(
        formatRows(
          maps.map((m, i) => toRow(m.file, m.galaxyId, preds[i])),
          o.format,
        ),
      );
    });
}
