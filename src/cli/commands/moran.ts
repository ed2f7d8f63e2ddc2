import { type Command, Option } from 'commander';
import { jobProgress } from '../../app/progress.ts';
import { formatCsv } from '../../formats/csv.ts';
import { loadKinematicMap, type MapMoran, moranOfMap } from '../../maps/index.ts';
import { integer } from '../args.ts';
import { expandInputs, pairInputs, SkipLog } from '../inputs.ts';

type Format = 'table' | 'json' | 'jsonl' | 'csv';

/** Shared names (README.md, "Output columns") for the file, the id and I; the rest are Moran's own. */
const COLUMNS = [
  'source_file',
  'galaxy_id',
  'survey',
  'region',
  'weights',
  'n',
  'moran_i',
  'expected',
  'z',
  'p_norm',
  'p_sim',
] as const;

function row(file: string, m: MapMoran): (string | number)[] {
  return [
    file,
    m.galaxyId,
    m.survey,
    m.region,
    m.weights,
    m.n,
    m.I,
    m.expected,
    m.z,
    m.pAnalytic,
    m.pPermutation ?? '',
  ];
}

function fmt(x: string | number): string {
  if (typeof x === 'string') return x;
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(4);
}

/** `galspin moran`: global Moran's I of velocity maps. */
export function register(program: Command): void {
  program
    .command('moran')
    .description("global Moran's I of stellar velocity maps (valid spaxels only) with z-score and p-values")
    .argument(
      '<inputs...>',
      'SAMI stellar-velocity or MaNGA MAPS files, folders, quoted globs, @list.txt or - (stdin)',
    )
    .addOption(new Option('--weights <w>', 'grid contiguity').choices(['rook', 'queen']).default('rook'))
    .option(
      '--permutations <n>',
      'random permutations for the pseudo p-value (PySAL uses 999; 0 = none)',
      integer('--permutations', 0, 99_999),
      0,
    )
    .option('--seed <int>', 'seed of the permutations', (v: string) => Number.parseInt(v, 10), 12345)
    .option('--full', 'use the whole map instead of the centred 40×40 network input')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'jsonl', 'csv'])
        .default('table'),
    )
    .exitOverride()
    .addHelpText(
      'after',
      `
I = (n/S0) Σ wij zi zj / Σ zi² with row-standardised weights; p_norm is two-sided under normality,
p_sim = (larger + 1)/(permutations + 1) as in PySAL esda. A dispersion file given beside its
velocity file is taken as its pair (I is of the velocity map). An unusable file prints one line on
stderr, the others go on, a summary names the skipped files, and the exit code is 1. Quote a glob
so galspin expands it: no argument-length limit.

Example:
  galspin moran test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits --permutations 999
  galspin moran 'runs/survey/fits/*_stellar-velocity_default_two-moment.fits' --format csv > moran.csv`,
    )
    .action(
      async (
        inputs: string[],
        o: { weights: 'rook' | 'queen'; permutations: number; seed: number; full?: boolean; format: Format },
      ) => {
        const log = new SkipLog();
        const expanded = await expandInputs(inputs, { log });
        const files = pairInputs(expanded, log).map((p) => p.velocityFile);
        const bar = jobProgress('moran', files.length);
        const rows: (string | number)[][] = [];
        if (o.format === 'csv') process.stdout.write(formatCsv([COLUMNS]));
        for (const file of files) {
          try {
            const m = moranOfMap(await loadKinematicMap(file), {
              weights: o.weights,
              permutations: o.permutations,
              seed: o.seed,
              region: o.full ? 'full' : 'crop40',
            });
            const r = row(file, m);
            if (o.format === 'csv') process.stdout.write(formatCsv([r]));
            else if (o.format === 'json' || o.format === 'jsonl') {
              process.stdout.write(
                `${JSON.stringify(Object.fromEntries(COLUMNS.map((c, i) => [c, r[i] === '' ? null : r[i]])))}\n`,
              );
            } else rows.push(r);
          } catch (err) {
            log.skipError(file, err);
          }
          bar?.increment();
        }
        bar?.stop();
        if (o.format === 'table' && rows.length > 0) {
          const cells = [COLUMNS.map(String), ...rows.map((r) => r.map(fmt))];
          const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
          process.stdout.write(
            cells
              .map((c) =>
                c
                  .map((s, i) => s.padEnd(widths[i]))
                  .join('  ')
                  .trimEnd(),
              )
              .join('\n') + '\n',
          );
        }
        if (log.summarize(expanded.length) > 0) process.exitCode = 1;
      },
    );
}
