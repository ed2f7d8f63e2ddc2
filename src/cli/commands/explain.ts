import { stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Command, Option } from 'commander';
import { jobProgress } from '../../app/progress.ts';
import { formatCsv } from '../../formats/csv.ts';
import { loadKinematicMap, MapError, preprocessMap } from '../../maps/index.ts';
import { dispersionSiblingPath } from '../../maps/load.ts';
import { buildModelInput } from '../../maps/model-input.ts';
import { initBackend } from '../../model/backend.ts';
import { temperatureOf } from '../../model/evaluate/calibration.ts';
import { type ExplainInput, type ExplainRow, explainMaps } from '../../model/explain/attribution.ts';
import { IG_DEFAULTS } from '../../model/explain/ig.ts';
import {
  MAX_QUADRATURE_STEPS,
  QUADRATURE_RULES,
  type QuadratureRule,
} from '../../model/explain/quadrature.ts';
import { artifactsToModel, modelInputKind, resolveModelDir } from '../../model/store.ts';
import { ModelStoreError } from '../../ports/model-store.ts';
import { integer, positive } from '../args.ts';
import { asInputError, InputError } from '../errors.ts';
import { expandInputs, pairInputs, SkipLog } from '../inputs.ts';

type Format = 'table' | 'json' | 'jsonl' | 'csv';

/** The table and CSV columns (shared names: README.md, "Output columns"). */
const COLUMNS = [
  'source_file',
  'galaxy_id',
  'p_fast',
  'logit',
  'baseline_logit',
  'ig_sum',
  'completeness_gap',
] as const;

type ExplainOut = ExplainRow & { inputKind?: string; note?: string; modelVersion?: string };

function cells(r: ExplainRow): (string | number)[] {
  return [r.file, r.galaxyId, r.probability, r.logit, r.baselineLogit, r.attributionSum, r.completenessGap];
}

/** A row for JSON output, in the shared snake_case names. */
function record(r: ExplainOut): Record<string, unknown> {
  return {
    source_file: r.file,
    galaxy_id: r.galaxyId,
    p_fast: r.probability,
    logit: r.logit,
    baseline_logit: r.baselineLogit,
    ig_sum: r.attributionSum,
    ig_positive: r.positive,
    ig_negative: r.negative,
    completeness_gap: r.completenessGap,
    rule: r.rule,
    steps: r.steps,
    outputs: r.outputs,
    input_kind: r.inputKind ?? null,
    model_version: r.modelVersion ?? null,
    note: r.note ?? null,
  };
}

function fmt(x: string | number): string {
  if (typeof x === 'string') return x;
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(4);
}

/** `galspin explain`: Integrated Gradients attribution maps for velocity maps. */
export function register(program: Command): void {
  program
    .command('explain')
    .description(
      'Integrated Gradients attribution maps (.npy, FITS, PNG) of the model logit for velocity maps',
    )
    .argument(
      '<inputs...>',
      'SAMI stellar-velocity FITS files (or MaNGA MAPS), folders, quoted globs, @list.txt or - (stdin)',
    )
    .requiredOption(
      '--model <dir>',
      'model folder (model.json + weights.bin) or a store root with champion.json',
    )
    .requiredOption('--out <dir>', 'folder for <galaxyId>.ig.{npy,fits,png} and explain.json')
    .option(
      '--steps <n>',
      `gradient evaluations per map (default ${IG_DEFAULTS.steps})`,
      integer('--steps', 1, MAX_QUADRATURE_STEPS),
    )
    .option(
      '--tolerance <gap>',
      `recompute maps above this completeness gap (default ${IG_DEFAULTS.tolerance}; off with --steps)`,
      positive('--tolerance'),
    )
    .option(
      '--max-steps <n>',
      `most gradient evaluations when refining (default ${IG_DEFAULTS.maxSteps})`,
      integer('--max-steps', 1, MAX_QUADRATURE_STEPS),
    )
    .addOption(
      new Option('--rule <rule>', 'quadrature rule over the path')
        .choices([...QUADRATURE_RULES])
        .default(IG_DEFAULTS.rule),
    )
    .option(
      '--chunk <n>',
      'interpolated maps per gradient call (memory bound)',
      integer('--chunk', 1, 65_536),
      IG_DEFAULTS.chunk,
    )
    .option('--no-npy', 'skip the .npy files')
    .option('--no-fits', 'skip the FITS files')
    .option('--no-png', 'skip the PNG heatmaps')
    .addOption(
      new Option('--format <format>', 'summary output')
        .choices(['table', 'json', 'jsonl', 'csv'])
        .default('table'),
    )
    .exitOverride()
    .addHelpText(
      'after',
      `
Attributions are in logit units with an all-zero baseline; per map, their sum should equal
logit − baseline_logit (completeness). completeness_gap is the relative error of that sum. By
default maps above a 1 % gap are recomputed with doubled steps (32 → 256); with --steps, refinement
is off unless --tolerance is given. Positive (red) pushes towards "fast rotator", negative (blue) towards slow.

Example:
  galspin explain runs/survey/fits --model models --out runs/ig
  galspin explain test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits --model models --out ig --steps 64 --tolerance 0.005 --format json`,
    )
    .action(
      async (
        args: string[],
        o: {
          model: string;
          out: string;
          steps?: number;
          tolerance?: number;
          maxSteps?: number;
          rule: QuadratureRule;
          chunk: number;
          npy: boolean;
          fits: boolean;
          png: boolean;
          format: Format;
        },
      ) => {
        const resolved = await asInputError(resolveModelDir(o.model), ModelStoreError);
        const { tf } = await initBackend();
        const model = await artifactsToModel(tf, resolved.artifacts).catch((err: Error) => {
          throw new InputError(`${resolved.dir}: cannot load model (${err.message.split('\n')[0]})`);
        });
        const metrics = resolved.artifacts.metrics;
        const modelVersion =
          typeof metrics?.modelVersion === 'string' ? metrics.modelVersion : basename(resolved.dir);

        const kind = modelInputKind(resolved.artifacts);
        const fallback = resolved.fallback;
        const inputs: ExplainInput[] = [];
        const viaFallback: ExplainInput[] = [];
        const log = new SkipLog();
        const expanded = await expandInputs(args, { log });
        for (const pair of pairInputs(expanded, log)) {
          const file = pair.velocityFile;
          try {
            // The two-channel model reads the dispersion file given with the velocity file, or lying
            // beside it; without one, the store's velocity-only fallback explains the galaxy, and the
            // row says so.
            const sibling =
              kind === 'velocity' ? undefined : (pair.dispersionFile ?? dispersionSiblingPath(file));
            const hasSibling = sibling
              ? await stat(sibling).then(
                  (s) => s.isFile(),
                  () => false,
                )
              : false;
            const map = await loadKinematicMap(file, hasSibling ? sibling : undefined);
            const pre = preprocessMap(map);
            if (kind === 'velocity' || map.dispersion) {
              const built = buildModelInput(map, kind);
              inputs.push({ file, map: { ...pre, input: built.input, valid: built.valid } });
            } else if (fallback) viaFallback.push({ file, map: pre });
            else
              throw new MapError(
                file,
                `no dispersion file beside it${sibling ? ` (${basename(sibling)})` : ''}, and the ${kind} model has no velocity-only fallback`,
              );
          } catch (err) {
            log.skipError(file, err);
          }
        }
        const expected = model.inputs[0].shape[1];
        const wrong = inputs.find((i) => i.map.size !== expected);
        if (wrong)
          throw new InputError(
            `${wrong.file}: map is ${wrong.map.size}×${wrong.map.size}, model expects ${expected}`,
          );

        const total = inputs.length + viaFallback.length;
        const bar = jobProgress('explain', total);
        const common = {
          out: o.out,
          steps: o.steps,
          tolerance: o.tolerance,
          maxSteps: o.maxSteps,
          rule: o.rule,
          chunk: o.chunk,
          formats: { npy: o.npy, fits: o.fits, png: o.png },
        };
        const rows: ExplainOut[] = (
          inputs.length > 0
            ? await explainMaps(tf, model, inputs, {
                ...common,
                modelVersion,
                temperature: temperatureOf(metrics),
                onProgress: (done) => bar?.update(done),
              })
            : []
        ).map((r) => ({ ...r, inputKind: kind, modelVersion }));
        model.dispose();
        if (fallback && viaFallback.length > 0) {
          const fbModel = await artifactsToModel(tf, fallback.artifacts);
          const fbVersion = basename(fallback.dir);
          const fbRows = await explainMaps(tf, fbModel, viaFallback, {
            ...common,
            modelVersion: fbVersion,
            temperature: temperatureOf(fallback.artifacts.metrics),
            onProgress: (done) => bar?.update(inputs.length + done),
          });
          fbModel.dispose();
          for (const r of fbRows)
            rows.push({
              ...r,
              inputKind: 'velocity',
              modelVersion: fbVersion,
              note: `no dispersion map: velocity-only fallback model ${fbVersion}`,
            });
          // explain.json holds every map, whichever model explained it.
          await writeFile(
            join(o.out, 'explain.json'),
            `${JSON.stringify({ modelVersion, fallbackModelVersion: fbVersion, baseline: 'zero', target: 'logit', maps: rows }, null, 2)}\n`,
          );
        }
        bar?.stop();

        if (o.format === 'json') process.stdout.write(`${JSON.stringify(rows.map(record), null, 2)}\n`);
        else if (o.format === 'jsonl')
          for (const r of rows) process.stdout.write(`${JSON.stringify(record(r))}\n`);
        else if (o.format === 'csv') process.stdout.write(formatCsv([COLUMNS, ...rows.map(cells)]));
        else if (rows.length > 0) {
          const table = [COLUMNS.map(String), ...rows.map((r) => cells(r).map(fmt))];
          const widths = COLUMNS.map((_, i) => Math.max(...table.map((c) => c[i].length)));
          process.stdout.write(
            `${table
              .map((c) =>
                c
                  .map((s, i) => s.padEnd(widths[i]))
                  .join('  ')
                  .trimEnd(),
              )
              .join('\n')}\n`,
          );
        }
        if (log.summarize(expanded.length) > 0) process.exitCode = 1;
      },
    );
}
