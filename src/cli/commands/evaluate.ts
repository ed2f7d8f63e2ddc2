import { type Command, Option } from 'commander';
import { trainingProgress } from '../../app/progress.ts';
import { initBackend } from '../../model/backend.ts';
import { evaluateOnSurvey, loadSurveyMaps } from '../../model/evaluate/survey-eval.ts';
import { modelInputKind, resolveModelDir } from '../../model/store.ts';
import { DatasetError } from '../../model/train/labelled-survey.ts';
import { ModelStoreError } from '../../ports/model-store.ts';
import { asInputError } from '../errors.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');

/** `galspin evaluate`: a model on a labeled survey it never saw, with the λRe–ε rule beside it. */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      'score a model on a labeled survey (e.g. of the other generator family), beside the λRe–ε rule',
    )
    .requiredOption('--model <dir>', 'model folder, or a store root with champion.json')
    .requiredOption('--data <dir|catalogue>', 'labeled survey folder (catalogue.csv + fits/)')
    .addOption(new Option('--format <f>', 'output format').choices(['table', 'json']).default('table'))
    .option('--probabilities', "with --format json: include every galaxy's probability")
    .exitOverride()
    .addHelpText(
      'after',
      `
Accuracy and precision(fast) at P = 0.5; AUC; ECE of the calibrated probability; confident classes
(p ≥ 0.95 or ≤ 0.05): their share and accuracy; accuracy per true kind. The λRe–ε rule is galspin's
own ingest measurement (src/maps/science.ts) with the survey's label rule.

Example:
  galspin simulate --family particle --n 600 --slow-fraction 0.5 --unknown 0 --seed 11 --out runs/particle
  galspin evaluate --model models --data runs/particle`,
    )
    .action(async (o: { model: string; data: string; format: 'table' | 'json'; probabilities?: boolean }) => {
      const resolved = await asInputError(resolveModelDir(o.model), ModelStoreError);
      const progress = trainingProgress();
      const maps = await asInputError(
        loadSurveyMaps(o.data, (d, t) => progress.onBatch(d, t)),
        DatasetError,
      );
      progress.stop();
      const { tf } = await initBackend();
      const kind = modelInputKind(resolved.artifacts);
      const e = await evaluateOnSurvey(tf, resolved.artifacts, kind, maps);
      if (o.format === 'json') {
        const { probabilities, ...rest } = e;
        const out = {
          modelDir: resolved.dir,
          inputKind: kind,
          ...rest,
          ...(o.probabilities ? { probabilities } : {}),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const m = e.model;
      const r = e.lambdaReRule;
      const lines = [
        `${resolved.dir} (${kind}) on ${e.survey}: n = ${m.n}, labels by ${e.rule}`,
        `  CNN        accuracy ${f3(m.accuracy)}  precision(fast) ${f3(m.precisionFast)}  AUC ${f3(m.auc)}  ECE ${f3(m.ece)}`,
        `             confident ${m.confident.n}/${m.n} (${f3(m.confident.coverage)}), ${f3(m.confident.accuracy)} right`,
        `  λRe–ε rule accuracy ${f3(r.accuracy)}  precision(fast) ${f3(r.precisionFast)}  (${r.measured}/${r.n} measured)`,
        '  by kind: ' +
          Object.entries(m.byKind)
            .sort()
            .map(([k, v]) => `${k} ${f3(v.accuracy)} (n ${v.n}, mean p ${f3(v.meanP)})`)
            .join('; '),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
