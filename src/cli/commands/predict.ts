import { type Command, Option } from 'commander';
import { jobProgress } from '../../app/progress.ts';
import { DEFAULT_THRESHOLDS } from '../../config/index.ts';
import { FitsError } from '../../fits/index.ts';
import { CsvError } from '../../formats/csv.ts';
import { COL, PREDICTION_COLUMNS } from '../../formats/table/columns.ts';
import { inferTypes, readTable, tableFormatOf, writeTable } from '../../formats/table/io.ts';
import type { Table } from '../../formats/table/table.ts';
import { initBackend } from '../../model/backend.ts';
import { checkThresholds, ThresholdError, type Thresholds } from '../../model/serve/predict.ts';
import { DEFAULT_MC_PASSES, type UncertaintyMethod } from '../../model/serve/uncertainty.ts';
import { resolveModelDir } from '../../model/store.ts';
import { ModelStoreError } from '../../ports/model-store.ts';
import {
  CatalogueInputError,
  catalogueEntries,
  DISPERSION_COLUMN,
  FILE_COLUMN,
  ID_COLUMN,
  withPredictions,
} from '../../predict/on-catalogue.ts';
import {
  type LoadedGalaxy,
  loadGalaxy,
  type PredictionOutcome,
  predictGalaxies,
} from '../../predict/records.ts';
import { integer, unitInterval } from '../args.ts';
import { asInputError, InputError, UsageError } from '../errors.ts';
import { expandInputs, pairInputs, SkipLog } from '../inputs.ts';
import { outFormat, renderStdout, STDOUT_FORMATS, type StdoutFormat } from '../table-output.ts';

interface PredictCliOptions {
  model: string;
  catalog?: string;
  out?: string;
  format: StdoutFormat;
  fastThreshold: number;
  slowThreshold: number;
  passes: number;
  uncertainty: UncertaintyMethod;
}

/** Columns a terminal table leaves out (paths and pass details); every other format keeps them. */
const TERMINAL_HIDDEN = new Set([
  COL.sourceFile.name,
  COL.dispersionFile.name,
  COL.pFastMean.name,
  COL.nPasses.name,
]);

/** Reads each galaxy; one that cannot be read is logged (one line naming the file) and left out. */
async function loadAll(
  pairs: readonly { velocityFile: string; dispersionFile?: string }[],
  log: SkipLog,
): Promise<(LoadedGalaxy | undefined)[]> {
  const out: (LoadedGalaxy | undefined)[] = [];
  for (const p of pairs) {
    try {
      out.push(await loadGalaxy(p.velocityFile, p.dispersionFile));
    } catch (err) {
      log.skipError(p.velocityFile, err);
      out.push(undefined);
    }
  }
  return out;
}

/** Galaxies per predictGalaxies call: the unit of predict's progress. */
const PROGRESS_PART = 32;

/** Classifies the galaxies that loaded; outcome i belongs to loaded[i] (undefined: not loaded). */
async function classify(
  o: PredictCliOptions,
  thresholds: Thresholds,
  loaded: readonly (LoadedGalaxy | undefined)[],
): Promise<(PredictionOutcome | undefined)[]> {
  const resolved = await asInputError(resolveModelDir(o.model), ModelStoreError);
  const present = loaded.flatMap((g, i) => (g ? [{ g, i }] : []));
  const out: (PredictionOutcome | undefined)[] = Array.from({ length: loaded.length }, () => undefined);
  if (present.length === 0) return out;
  const { tf } = await initBackend();
  // In parts, for progress lines: a galaxy's numbers do not depend on its batch (masks are seeded
  // by the map's content), and 30 passes over 214 maps take about a minute.
  const progress = jobProgress('predict', present.length);
  const outcomes: PredictionOutcome[] = [];
  for (let start = 0; start < present.length; start += PROGRESS_PART) {
    const part = present.slice(start, start + PROGRESS_PART).map((p) => p.g);
    const opts = { thresholds, passes: o.passes, uncertainty: o.uncertainty };
    outcomes.push(...(await predictGalaxies(tf, resolved, part, opts)));
    progress.update(outcomes.length);
  }
  progress.stop();
  present.forEach((p, k) => {
    out[p.i] = outcomes[k];
  });
  return out;
}

async function predictFiles(inputs: string[], o: PredictCliOptions, thresholds: Thresholds): Promise<void> {
  if (o.out) outFormat(o.out);
  // The model is checked before any map is read: a wrong --model is one line, not one per file.
  await asInputError(resolveModelDir(o.model), ModelStoreError);
  const log = new SkipLog();
  const files = await expandInputs(inputs, { log });
  const pairs = pairInputs(files, log);
  const loaded = await loadAll(pairs, log);
  const outcomes = await classify(o, thresholds, loaded);
  const table: Table = { columns: [...PREDICTION_COLUMNS], rows: [] };
  outcomes.forEach((r, i) => {
    if (r?.ok) table.rows.push(r.record);
    else if (r) log.skip(pairs[i].velocityFile, r.reason);
  });
  log.summarize(files.length);
  if (log.skipped.length > 0) process.exitCode = 1;
  if (o.out) {
    await writeTable(o.out, table);
    process.stderr.write(`galspin: wrote ${table.rows.length} galaxies to ${o.out}\n`);
  } else if (table.rows.length > 0) {
    const shown =
      o.format === 'table'
        ? { ...table, columns: table.columns.filter((c) => !TERMINAL_HIDDEN.has(c.name)) }
        : table;
    process.stdout.write(renderStdout(shown, o.format));
  }
}

async function predictCatalogue(
  catalog: string,
  o: PredictCliOptions,
  thresholds: Thresholds,
): Promise<void> {
  if (!o.out) throw new UsageError('--catalog needs --out FILE (.csv, .ecsv or .fits)');
  const format = outFormat(o.out);
  await asInputError(resolveModelDir(o.model), ModelStoreError);
  const input = await asInputError(readTable(catalog), CsvError, FitsError).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new InputError(`${catalog}: no such file`);
      throw err;
    },
  );
  let entries: ReturnType<typeof catalogueEntries>;
  try {
    entries = catalogueEntries(input, catalog);
  } catch (err) {
    if (err instanceof CatalogueInputError) throw new InputError(err.message);
    throw err;
  }
  const log = new SkipLog();
  const loaded: (LoadedGalaxy | undefined)[] = [];
  const reasons: (string | undefined)[] = [];
  for (const e of entries) {
    if (!e.ok) {
      loaded.push(undefined);
      reasons.push(e.reason);
      continue;
    }
    const rowLog = new SkipLog(() => {});
    try {
      loaded.push(await loadGalaxy(e.velocityFile, e.dispersionFile));
      reasons.push(undefined);
    } catch (err) {
      rowLog.skipError(e.velocityFile, err);
      const s = rowLog.skipped[0];
      loaded.push(undefined);
      reasons.push(`${s.file}: ${s.reason}`);
    }
  }
  const outcomes = await classify(o, thresholds, loaded);
  const final = outcomes.map(
    (r, i): PredictionOutcome => r ?? { ok: false, reason: reasons[i] ?? 'not classified' },
  );
  final.forEach((r, i) => {
    if (!r.ok)
      log.skip(`${catalog} row ${i + 1} (${ID_COLUMN} ${String(input.rows[i][ID_COLUMN] ?? '')})`, r.reason);
  });
  // A CSV's cells are text; ECSV and FITS readers expect typed columns, as astropy would infer them.
  const typed =
    tableFormatOf(catalog) === 'csv' && format !== 'csv'
      ? inferTypes(input, new Set([FILE_COLUMN, ID_COLUMN, DISPERSION_COLUMN]))
      : input;
  const { table, replaced } = withPredictions(typed, final);
  if (replaced.length > 0)
    process.stderr.write(
      `galspin: ${catalog}: replaced its columns ${replaced.join(', ')} with new predictions\n`,
    );
  await writeTable(o.out, table);
  const failed = log.summarize(input.rows.length);
  process.stderr.write(
    `galspin: wrote ${table.rows.length} rows (${table.rows.length - failed} classified) to ${o.out}\n`,
  );
  if (failed > 0) process.exitCode = 1;
}

/** `galspin predict`: P(fast) and class for each galaxy's velocity (+ dispersion) maps. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('classify velocity maps as fast / slow / uncertain rotators with a trained model')
    .argument(
      '[inputs...]',
      'velocity FITS files, folders (searched recursively), quoted globs, @list.txt or - (stdin)',
    )
    .requiredOption('--model <dir>', 'model folder (model.json …) or a store root with champion.json')
    .option(
      '--catalog <file>',
      `a table (.csv, .ecsv, .fits) with ${FILE_COLUMN} and ${ID_COLUMN}; needs --out`,
    )
    .option('--out <file>', 'write the table to a file: .csv, .ecsv or .fits')
    .addOption(new Option('--format <f>', 'stdout format').choices([...STDOUT_FORMATS]).default('table'))
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
      'dropout passes per map for the uncertainty (0 = none)',
      integer('--passes', 0, 1000),
      DEFAULT_MC_PASSES,
    )
    .addOption(
      new Option(
        '--uncertainty <m>',
        'mc-dropout: N passes; tta: the 8 symmetries, no dropout; both: N passes on each symmetry (n_passes = 8N)',
      )
        .choices(['mc-dropout', 'tta', 'both'])
        .default('mc-dropout'),
    )
    .addHelpText(
      'after',
      `
Each velocity file is paired with its dispersion file (given alongside it, or lying beside it); a
galaxy without one goes to the store's velocity-only fallback model and its row says so (note,
input_kind). A file that is not a velocity map is skipped with a line on stderr, a summary names
every skipped file at the end, and the exit code is 1.
p_fast is P(fast) at the model's serving temperature (fitted on another generator family when the
card says so, else on validation); a map unlike the training data is uncertain (ood).
p_fast_mean and p_fast_std are on the same calibrated scale over ${DEFAULT_MC_PASSES} passes by
default, dropout masks seeded by each map's own content, so a file gets the same numbers here as
from \`galspin run\` and the AWS pipeline. Column names: README.md, "Output columns".

--catalog CAT (CSV, ECSV or FITS table) reads ${FILE_COLUMN} (absolute, or relative to CAT's folder) and
${ID_COLUMN}; ${DISPERSION_COLUMN}, if present, names each row's dispersion file (empty: the one beside
the velocity file, if any). --out gets every row and column of CAT, in order, unchanged, plus the
prediction columns; a row whose file is missing or unreadable gets an 'error' instead.

Examples:
  galspin predict runs/survey/fits --model models --format jsonl
  galspin predict 'runs/survey/fits/*_stellar-velocity_*.fits' --model models --out preds.fits
  galspin predict --catalog galaxies.csv --model models --out galaxies_pred.ecsv
  find runs/survey -name '*.fits' | galspin predict - --model models --passes 0`,
    )
    .action(async (inputs: string[], o: PredictCliOptions) => {
      let thresholds: Thresholds;
      try {
        thresholds = checkThresholds({ fast: o.fastThreshold, slow: o.slowThreshold });
      } catch (err) {
        if (err instanceof ThresholdError) throw new UsageError(err.message);
        throw err;
      }
      if (o.catalog && inputs.length > 0)
        throw new UsageError('give either --catalog or input files, not both');
      if (o.catalog) return predictCatalogue(o.catalog, o, thresholds);
      if (inputs.length === 0)
        throw new UsageError('give input files (or folders, globs, @list, -) or --catalog');
      return predictFiles(inputs, o, thresholds);
    });
}
