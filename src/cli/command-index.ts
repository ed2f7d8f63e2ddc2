/**
 * The subcommands galspin knows, without loading them: `galspin --help` lists these names and
 * summaries, and `galspin NAME …` imports only NAME's module. A command module pulls in what its
 * action needs (TensorFlow.js, the AWS SDK, vega, SQLite: seconds of module loading), so loading all
 * of them to print the overview made `galspin --help` take 2–9 s.
 *
 * Adding a command: one entry here (test/cli/help.test.ts checks that every entry registers the
 * command it names, and that nothing else is registered).
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** One line in `galspin --help`. */
  summary: string;
  /** Whether its action may load libtensorflow (whose native log lines main.ts keeps off stderr). */
  tensorflow: boolean;
  load: () => Promise<{ register(program: Command): void }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'inspect',
    summary: 'HDUs of FITS files, with statistics',
    tensorflow: false,
    load: () => import('./commands/inspect.ts'),
  },
  {
    name: 'simulate',
    summary: 'write a synthetic SAMI DR3-like survey',
    tensorflow: false,
    load: () => import('./commands/simulate.ts'),
  },
  {
    name: 'moran',
    summary: "global Moran's I of velocity maps",
    tensorflow: false,
    load: () => import('./commands/moran.ts'),
  },
  {
    name: 'train',
    summary: 'train the Table 1 CNN on a labeled survey',
    tensorflow: true,
    load: () => import('./commands/train.ts'),
  },
  {
    name: 'tune',
    summary: 'hyperparameter search (validation only)',
    tensorflow: true,
    load: () => import('./commands/tune.ts'),
  },
  {
    name: 'predict',
    summary: 'classify maps: fast / slow / uncertain',
    tensorflow: true,
    load: () => import('./commands/predict.ts'),
  },
  {
    name: 'evaluate',
    summary: 'score a model on a labeled survey, beside the λRe–ε rule',
    tensorflow: true,
    load: () => import('./commands/evaluate.ts'),
  },
  {
    name: 'explain',
    summary: 'Integrated Gradients attribution maps',
    tensorflow: true,
    load: () => import('./commands/explain.ts'),
  },
  {
    name: 'run',
    summary: 'the whole pipeline on this machine',
    tensorflow: true,
    load: () => import('./commands/run.ts'),
  },
  {
    name: 'query',
    summary: 'query the results index',
    tensorflow: false,
    load: () => import('./commands/query.ts'),
  },
  {
    name: 'report',
    summary: 'static HTML report with the figures',
    tensorflow: true,
    load: () => import('./commands/report.ts'),
  },
  {
    name: 'redrive',
    summary: 'move dead letters back to their queue',
    tensorflow: false,
    load: () => import('./commands/redrive.ts'),
  },
  {
    name: 'retrain',
    summary: 'retrain now (locally or as an ECS task)',
    tensorflow: true,
    load: () => import('./commands/retrain.ts'),
  },
  {
    name: 'models',
    summary: "push a champion into the pipeline's model store",
    tensorflow: false,
    load: () => import('./commands/models.ts'),
  },
  {
    name: 'audit',
    summary: 'shortcut audit: can nuisance alone tell the labels?',
    tensorflow: false,
    load: () => import('./commands/audit.ts'),
  },
];

/** The entry for `name`, if galspin has such a command. */
export function commandEntry(name: string | undefined): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
