import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { applyAwsTarget, recordTarget } from '../../app/aws-target.ts';
import type { SqsHandler } from '../../app/bridge.ts';
import { importLambda, portsFor, quoteArg, stageProgress } from '../../app/cli-ports.ts';
import { DEMO_TRAIN, runLocal } from '../../app/local-run.ts';
import { cliLogger } from '../../app/logger.ts';
import { initBackend } from '../../model/backend.ts';
import { SERVING_ENGINES, type ServingEngineChoice } from '../../model/serve/onnx/serving.ts';
import { DEFAULT_MC_PASSES } from '../../model/serve/uncertainty.ts';
import { integer } from '../args.ts';
import { InputError } from '../errors.ts';

const DEFAULT_HOME = '.galspin';

interface RunOptions {
  home: string;
  aws?: boolean;
  region?: string;
  n: number;
  seed: number;
  igSteps: number;
  mcPasses: number;
  batch: number;
  engine: ServingEngineChoice;
  env: string;
  seedModel: string | false;
  report: boolean;
}

/** The champion committed with galspin: Table 1 trained on the paper-sized synthetic survey. */
const BUNDLED_MODELS = fileURLToPath(new URL('../../../models', import.meta.url));

/** `galspin run [DIR]`: the whole pipeline on this machine (embedded), or against an emulator (--aws). */
export function register(program: Command): void {
  program
    .command('run')
    .description('run the whole pipeline here: ingest → (train) → classify + explain → summary')
    .argument('[dir]', 'folder of FITS files (+ catalogue.csv for labels); a demo survey when omitted')
    .option('--home <dir>', 'embedded state: bucket folder + SQLite queues and index', DEFAULT_HOME)
    .option('--aws', 'use S3/SQS/DynamoDB via AWS_ENDPOINT_URL (e.g. moto); provisions resources first')
    .option('--env <name>', 'GALSPIN_ENV for --aws resource names', 'dev')
    .option('--region <r>', 'with --aws: AWS region (else AWS_REGION, else us-east-1)')
    .option('--n <count>', 'labeled galaxies in the demo survey', integer('--n', 10), 200)
    .option(
      '--seed <s>',
      'demo survey seed (not 1: the bundled model was trained on seed 1)',
      integer('--seed', 0),
      2026,
    )
    .option('--seed-model <dir>', 'model store whose champion a fresh home starts from', BUNDLED_MODELS)
    .option('--no-seed-model', 'train a small demo model instead of using the bundled champion')
    .option('--no-report', 'skip the HTML report at the end (embedded mode)')
    .option('--ig-steps <n>', 'Integrated-Gradients quadrature nodes', integer('--ig-steps', 1), 32)
    .option(
      '--mc-passes <n>',
      'MC-dropout passes for the uncertainty',
      integer('--mc-passes', 1),
      DEFAULT_MC_PASSES,
    )
    .option('--batch <n>', 'maps per inference batch', integer('--batch', 1), 64)
    .addOption(
      new Option('--engine <name>', 'who serves inference, MC dropout and IG (onnx: ONNX Runtime on the CPU)')
        .choices([...SERVING_ENGINES])
        .default('auto'),
    )
    .addHelpText(
      'after',
      `
A fresh home starts from the bundled champion (models/: Table 1 on the paper-sized synthetic survey);
with --no-seed-model it trains a small demo CNN (2 conv blocks, 12 epochs) instead.
Examples:
  galspin run                                 # demo survey of 200 labeled galaxies under .galspin/
  galspin run runs/survey --home runs/state   # your folder of SAMI FITS files
  AWS_ENDPOINT_URL=http://127.0.0.1:4566 galspin run --aws   # against moto / LocalStack`,
    )
    .action(async (dir: string | undefined, o: RunOptions) => {
      const home = resolve(o.home);
      const backend = await initBackend();
      let preprocessHandler: SqsHandler | undefined;
      if (o.aws) {
        if (!process.env.AWS_ENDPOINT_URL)
          throw new InputError('--aws needs AWS_ENDPOINT_URL (e.g. http://127.0.0.1:4566)');
        process.env.AWS_ACCESS_KEY_ID ??= 'test';
        process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
        process.env.AWS_REGION = o.region ?? process.env.AWS_REGION ?? 'us-east-1';
        const { provisionLocal } = await import('../../adapters/aws/provision.ts');
        const provisioned = await provisionLocal({ environment: o.env });
        // Recorded so that the query printed below finds this deployment as printed (aws-target.ts).
        const target = {
          region: process.env.AWS_REGION,
          bucket: provisioned.bucket,
          table: provisioned.table,
          ingestQueueUrl: provisioned.ingestQueueUrl,
          classifyQueueUrl: provisioned.classifyQueueUrl,
          endpoint: process.env.AWS_ENDPOINT_URL,
          environment: o.env,
        };
        recordTarget(home, target);
        applyAwsTarget(target);
        preprocessHandler = (await importLambda('preprocess', () => import('../../../lambdas/preprocess.ts')))
          .handler;
      }
      const ports = await portsFor({ aws: o.aws, home });
      const progress = stageProgress();
      try {
        const s = await runLocal({
          ports,
          tf: backend.tf,
          backend: backend.name,
          inputDir: dir,
          demoDir: resolve(home, 'demo-survey'),
          demo: { n: o.n, seed: o.seed },
          seedModelsDir: o.seedModel || undefined,
          train: DEMO_TRAIN,
          igSteps: o.igSteps,
          mcPasses: o.mcPasses,
          batchSize: o.batch,
          engine: o.engine,
          preprocessHandler,
          onProgress: (p) => progress.update(p.stage, p.done, p.total, p.note),
          log: cliLogger('run'),
        });
        progress.stop();
        // Both printed queries run as printed: --aws finds the deployment in the home's aws.json.
        const homeFlag = o.home === DEFAULT_HOME ? '' : ` --home ${quoteArg(o.home)}`;
        const where = `${o.aws ? ' --aws' : ''}${homeFlag}`;
        const lines = [
          `run ${s.runId}: ${s.uploaded} FITS files uploaded`,
          `  uploads   CLASSIFIED ${s.sources.CLASSIFIED}  REJECTED ${s.sources.REJECTED}  FAILED ${s.sources.FAILED}  QUEUED ${s.sources.QUEUED}`,
          `  galaxies  fast ${s.classes.fast}  slow ${s.classes.slow}  uncertain ${s.classes.uncertain}  (model ${s.championVersion})`,
          s.seeded ? `  champion  ${s.seeded} (bundled, seeded into this home)` : '',
          s.servingEngine ? `  engine    ${s.servingEngine}` : '',
          s.trained
            ? `  trained   ${s.trained.version} (demo config), test AUC ${s.trained.testAuc.toFixed(3)}; ${s.trained.promoted ? 'promoted' : 'not promoted'}: ${s.trained.reason}`
            : '  trained   - (champion already present)',
          `  time      ${Object.entries(s.seconds)
            .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
            .join(', ')}`,
          `results:    ${s.location}  (maps/, attributions/${s.championVersion}/, models/)`,
          `query:      galspin query --class fast${where}   |   galspin query --status REJECTED --of sources --run ${s.runId}${where}`,
        ];
        if (o.report && !o.aws) {
          // The report reads the embedded home (index + bucket); labels come from the input catalogue.
          const { writeReport } = await import('../../report/index.ts');
          const catalogue = join(dir ? resolve(dir) : resolve(home, 'demo-survey'), 'catalogue.csv');
          const { openHomeIndex } = await import('../../app/home-index.ts');
          const report = await writeReport({
            results: home,
            openIndex: openHomeIndex,
            catalogue: existsSync(catalogue) ? catalogue : undefined,
            out: join(home, 'report'),
          });
          lines.push(`report:     ${report.indexHtml}  (${report.figures.length} figures)`);
        }
        process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
      } finally {
        progress.stop();
        ports.close();
      }
    });
}
