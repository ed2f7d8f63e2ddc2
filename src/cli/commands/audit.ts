import type { Command } from 'commander';
import { FitsError } from '../../fits/index.ts';
import { type AuditResult, auditSurveyDir, CatalogueError } from '../../survey/index.ts';
import { integer } from '../args.ts';
import { asInputError } from '../errors.ts';

function table(r: AuditResult & { data: string }): string {
  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const lines = [
    `${r.data}: ${r.fast} fast, ${r.slow} slow; nuisance-only features, ${r.folds}-fold stratified CV ROC AUC`,
    `  classifier                 AUC    per fold`,
    `  logistic (L2)            ${f3(r.logistic.auc)}  ${r.logistic.foldAucs.map(f3).join(' ')}`,
    `  boosted depth-2 trees    ${f3(r.boosted.auc)}  ${r.boosted.foldAucs.map(f3).join(' ')}`,
    '',
    `  feature                    AUC  fast median  slow median`,
    ...r.perFeature.map(
      (p) =>
        `  ${p.feature.padEnd(22)} ${f3(p.auc)}  ${p.fastMedian.toPrecision(4).padStart(11)}  ${p.slowMedian.toPrecision(4).padStart(11)}`,
    ),
    '',
    Math.max(r.logistic.auc, r.boosted.auc) <= 0.55
      ? 'verdict: nuisance does not tell the labels apart (AUC ≤ 0.55)'
      : 'verdict: nuisance leaks the labels (AUC > 0.55): a model can learn the generator, not the kinematics',
  ];
  return `${lines.join('\n')}\n`;
}

/** `galspin audit`: can nuisance alone (footprint, S/N, light profile, flux noise) tell the labels apart? */
export function register(program: Command): void {
  program
    .command('audit')
    .summary('shortcut audit: can nuisance alone tell the labels?')
    .description(
      'shortcut audit of a labeled survey: cross-validated ROC AUC of two simple classifiers on nuisance-only ' +
        'features of the velocity FITS files (valid-spaxel footprint, S/N, light profile, flux noise)',
    )
    .requiredOption('--data <dir>', 'survey folder with catalogue.csv (or the catalogue.csv itself)')
    .option('--folds <k>', 'cross-validation folds', integer('--folds', 2, 20), 5)
    .option('--seed <int>', 'fold assignment seed', integer('--seed', 0), 1)
    .option('--json', 'print the result as JSON')
    .exitOverride()
    .addHelpText(
      'after',
      `
AUC ≈ 0.5 means the labels cannot be told from nuisance; well above 0.5 (say > 0.55) means a model could
learn the generator's footprint or noise instead of the kinematics. Always exits 0 on a readable survey.

Example:
  galspin simulate --out runs/bal --n 800 --slow-fraction 0.5 --unknown 0
  galspin audit --data runs/bal`,
    )
    .action(async (o: { data: string; folds: number; seed: number; json?: boolean }) => {
      const r = await asInputError(
        auditSurveyDir(o.data, { folds: o.folds, seed: o.seed }),
        CatalogueError,
        FitsError,
        RangeError,
      );
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : table(r));
    });
}
