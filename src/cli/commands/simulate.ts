import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { generateSurvey, PAPER_SAMPLE } from '../../survey/index.ts';
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
    // route commander's usage errors to main's exit code 2 (subcommands do not inherit exitOverride)
    .exitOverride()
    .addHelpText(
      'after',
      `
Labels come from λRe and εe measured on the simulated maps with the SAMI rule of van de Sande et al. 2021;
borderline galaxies have no flag (label "unknown"). The defaults mirror Chegeni et al. 2025:
1,112 labeled (980 fast, 132 slow) + 854 unknown, about 450 MB.

Example:
  galspin simulate --out runs/survey --n 200 --seed 7 --slow-fraction 0.12`,
    )
    .action(async (o: { out: string; n: number; seed: number; slowFraction: number; unknown?: number }) => {
      if (o.seed > 0xffffffff) throw new UsageError('--seed must fit in 32 bits');
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: 'simulate [{bar}] {value}/{total} galaxies {eta}s' },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const summary = await generateSurvey({
        out: o.out,
        n: o.n,
        seed: o.seed,
        slowFraction: o.slowFraction,
        unknown: o.unknown,
        onProgress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      });
      bar?.stop();
      const q = (a: number[]) => a.map((x) => x.toFixed(3)).join(' / ');
      process.stdout.write(
        `${o.out}: ${summary.counts.fast} fast, ${summary.counts.slow} slow, ${summary.counts.unknown} unknown ` +
          `(slow fraction ${summary.slowFraction.toFixed(3)}, rule ${summary.rule}, ${summary.candidates} candidates)\n` +
          `λRe 5/25/50/75/95%: fast ${q(summary.lambdaReQuantiles.fast)}; slow ${q(summary.lambdaReQuantiles.slow)}\n` +
          `unknown: ${summary.unknownReasons.borderline} borderline, ${summary.unknownReasons.coverage} poorly covered, ` +
          `${summary.unknownReasons.unflagged} unflagged survey members\n`,
      );
    });
}
