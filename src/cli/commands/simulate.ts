import { type Command, Option } from 'commander';
import { jobProgress } from '../../app/progress.ts';
import {
  GENERATOR_FAMILIES,
  type GeneratorFamily,
  generateSurvey,
  PAPER_SAMPLE,
  STRESS_DESCRIPTIONS,
  STRESS_PRESETS,
  type StressPreset,
} from '../../survey/index.ts';
import { integer, unitInterval } from '../args.ts';
import { UsageError } from '../errors.ts';

/** `galspin simulate`: writes a seeded synthetic SAMI DR3-like survey (FITS + catalogue.csv). */
export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'write a seeded synthetic SAMI DR3-like survey: velocity + dispersion FITS and catalogue.csv',
    )
    .requiredOption('--out <dir>', 'output folder (fits/, catalogue.csv, survey.json)')
    .option('--n <count>', 'labeled galaxies (fast + slow)', integer('--n', 1), PAPER_SAMPLE.labeled)
    .option('--seed <int>', 'random seed (same seed, same survey)', integer('--seed', 0), 1)
    .addOption(
      new Option('--slow-fraction <f>', 'slow share of the labeled galaxies')
        .argParser(unitInterval('--slow-fraction'))
        .default(PAPER_SAMPLE.slow / PAPER_SAMPLE.labeled, '132/1112 ≈ 0.119'),
    )
    .option('--unknown <count>', 'unlabeled galaxies (default n × 854/1112)', integer('--unknown', 0))
    .addOption(
      new Option('--family <name>', 'generator family').choices([...GENERATOR_FAMILIES]).default('analytic'),
    )
    .addOption(
      new Option('--stress <name>', 'move one nuisance distribution to its hard end').choices([
        ...STRESS_PRESETS,
      ]),
    )
    // route commander's usage errors to main's exit code 2 (subcommands do not inherit exitOverride)
    .exitOverride()
    .addHelpText(
      'after',
      `
Labels come from λRe and εe measured on the simulated maps (survey defects included) with the rule of
Cappellari 2016 (cappellari2016: slow when λRe < 0.08 + εe/4 and εe < 0.4); borderline and poorly
covered galaxies have no flag (label "unknown"). The defaults mirror Chegeni et al. 2025:
1,112 labeled (980 fast, 132 slow) + 854 unknown, about 450 MB.

Families (--family): analytic (smooth analytic velocity and dispersion fields) and particle (stars drawn
from dynamical models, projected and binned). Both take their nuisance (size, Sérsic n, ε < 0.4, S/N, PSF,
centring, systemic offset, correlated noise, hot and dead spaxels, masks, σ level) from one distribution
for fast and slow alike, and labeled galaxies are drawn by twin probes so that nuisance cannot tell the
labels apart (check with galspin audit --data DIR).

Stress presets (--stress), each changing one nuisance distribution:
${STRESS_PRESETS.map((s) => `  ${s.padEnd(16)} ${STRESS_DESCRIPTIONS[s]}`).join('\n')}

Example:
  galspin simulate --out runs/survey --n 200 --seed 7 --slow-fraction 0.12
  galspin simulate --out runs/particle --family particle --n 400 --slow-fraction 0.5`,
    )
    .action(
      async (o: {
        out: string;
        n: number;
        seed: number;
        slowFraction: number;
        unknown?: number;
        family: GeneratorFamily;
        stress?: StressPreset;
      }) => {
        if (o.seed > 0xffffffff) throw new UsageError('--seed must fit in 32 bits');
        // Started now, so the clock counts the first galaxies too; the survey's own count replaces
        // this estimate (the default unknown count as generateSurvey computes it) at its first report.
        const unknown = o.unknown ?? Math.round((o.n * PAPER_SAMPLE.unknown) / PAPER_SAMPLE.labeled);
        const progress = jobProgress('simulate', o.n + unknown, { unit: 'galaxies' });
        // The bar ends before any error line, so the line is not drawn over.
        const summary = await generateSurvey({
          out: o.out,
          n: o.n,
          seed: o.seed,
          slowFraction: o.slowFraction,
          unknown: o.unknown,
          family: o.family,
          stress: o.stress,
          onProgress: (done, total) => {
            progress.setTotal(total);
            progress.update(done);
          },
        }).finally(() => progress.stop());
        const q = (a: number[]) => a.map((x) => x.toFixed(3)).join(' / ');
        process.stdout.write(
          `${o.out}: ${summary.counts.fast} fast, ${summary.counts.slow} slow, ${summary.counts.unknown} unknown ` +
            `(slow fraction ${summary.slowFraction.toFixed(3)}, rule ${summary.rule}, family ${summary.family}` +
            `${summary.stress ? `, stress ${summary.stress}` : ''}, ${summary.candidates} candidates)\n` +
            `λRe 5/25/50/75/95%: fast ${q(summary.lambdaReQuantiles.fast)}; slow ${q(summary.lambdaReQuantiles.slow)}\n` +
            `unknown: ${summary.unknownReasons.borderline} borderline, ${summary.unknownReasons.coverage} poorly covered, ` +
            `${summary.unknownReasons.unflagged} unflagged survey members\n`,
        );
      },
    );
}
