import type { Command } from 'commander';
import { openHomeIndex } from '../../app/home-index.ts';
import { jobProgress } from '../../app/progress.ts';
import { MetricsError } from '../../report/metrics-json.ts';
import { writeReport } from '../../report/report.ts';
import { ReportInputError } from '../../report/sources.ts';
import { InputError, UsageError } from '../errors.ts';

/** `galspin report`: the paper's figures and a static HTML report from a model folder (+ a run's results). */
export function register(program: Command): void {
  program
    .command('report')
    .description(
      "write a static HTML report with the paper's figures from a model folder and a run's results",
    )
    .option('--model <dir>', 'model folder or store root (default: champion in --results home)')
    .option(
      '--results <file|dir>',
      'result rows (galspin query --format jsonl|json|csv) or a run folder with maps/, attributions/',
    )
    .option('--bucket <dir>', 'folder with maps/ and attributions/ when not the --results folder')
    .option('--survey <dir>', "labelled survey (catalogue.csv + FITS): labels, test-galaxy maps, Moran's I")
    .option('--no-infer', 'with --survey: do not run the model for unknown-galaxy P(fast) and IG maps')
    .option('--catalogue <csv>', 'labels (catid,label) to tell unknown galaxies from labelled ones')
    .requiredOption('--out <dir>', 'output folder: index.html + figures/')
    .addHelpText(
      'after',
      `
Figures: the paper's ten (confusion matrix, ROC, P(fast), misclassified maps, unknown galaxies,
Moran's I, velocity | Moran | IG), reliability, training curves; a missing input is listed.
Self-contained: no network resources; open DIR/index.html in any browser.

Examples:
  galspin report --model models --out runs/report      # the paper's figures from the model folder alone
  galspin report --model models --survey runs/survey --out runs/report-survey
  galspin report --results .galspin --catalogue runs/survey/catalogue.csv --out runs/report-run   # after galspin run`,
    )
    .action(
      async (o: {
        model?: string;
        results?: string;
        bucket?: string;
        survey?: string;
        infer: boolean;
        catalogue?: string;
        out: string;
      }) => {
        if (!o.model && !o.results)
          throw new UsageError(
            'report: give --model DIR, or --results with a GALSPIN_HOME that has a champion',
          );
        // Ten figures until the report says how many it will draw.
        const progress = jobProgress('report', 10, { unit: 'figures' });
        try {
          const r = await writeReport({
            modelDir: o.model,
            results: o.results,
            openIndex: openHomeIndex,
            bucket: o.bucket,
            survey: o.survey,
            infer: o.infer,
            catalogue: o.catalogue,
            out: o.out,
            onProgress: (done, total, name) => {
              progress.setTotal(total);
              progress.update(done, name);
            },
          });
          progress.stop();
          const drawn = r.figures.filter((f) => f.endsWith('.png')).length;
          process.stdout.write(
            `${r.indexHtml}: ${drawn} figures${r.skipped.length ? `, not drawn: ${r.skipped.map((s) => s.name).join(', ')}` : ''}\n`,
          );
        } catch (err) {
          progress.stop();
          if (err instanceof ReportInputError || err instanceof MetricsError)
            throw new InputError(err.message);
          throw err;
        }
      },
    );
}
