import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { portsFor } from '../../app/cli-ports.ts';
import { PushChampionError, pushChampion } from '../../app/push-champion.ts';
import { InputError } from '../errors.ts';

interface PushOptions {
  home: string;
  aws?: boolean;
  force?: boolean;
}

/** The model store committed with galspin (models/champion.json + the versions it names). */
const BUNDLED_MODELS = fileURLToPath(new URL('../../../models', import.meta.url));

/** `galspin models push`: a deployment's first champion, from a folder model store. */
export function register(program: Command): void {
  const models = program
    .command('models')
    .description("the pipeline's model store")
    .addHelpText(
      'after',
      "\nExamples:\n  galspin models push --aws        # a fresh deployment's first champion",
    );
  models
    .command('push')
    .description("upload a folder's champion (and its velocity-only fallback) and promote it")
    .argument('[dir]', 'folder model store holding champion.json', BUNDLED_MODELS)
    .option('--aws', 'the bucket named by GALSPIN_BUCKET (a deployment, or an emulator via AWS_ENDPOINT_URL)')
    .option('--home <dir>', 'embedded state folder', '.galspin')
    .option('--force', 'replace a different champion already in the store')
    .addHelpText(
      'after',
      `
Without DIR it pushes the bundled champion (models/). A store that already has this champion is
left as it is; one with another champion (trained and promoted there) is kept unless --force.
Examples:
  galspin models push --aws                 # after cdk deploy: see docs/deploy.md
  galspin models push runs/models --aws --force`,
    )
    .action(async (dir: string, o: PushOptions) => {
      const ports = await portsFor({ aws: o.aws, home: resolve(o.home) });
      try {
        const r = await pushChampion(resolve(dir), ports.blobs, { force: o.force }).catch((err) => {
          throw err instanceof PushChampionError ? new InputError(err.message) : err;
        });
        const pair = `${r.version}${r.fallback ? ` (fallback ${r.fallback})` : ''}`;
        const line = {
          pushed: `pushed ${pair}: ${(r.bytes / 1e6).toFixed(1)} MB to ${ports.location}; champion now ${r.version}${r.previous ? ` (was ${r.previous})` : ''}`,
          current: `${pair} is already the champion in ${ports.location}; nothing written`,
          kept: `${ports.location} has another champion, ${r.previous}: kept (--force replaces it with ${r.version})`,
        }[r.outcome];
        process.stdout.write(`${line}\n`);
      } finally {
        ports.close();
      }
    });
}
