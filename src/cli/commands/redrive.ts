import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { portsFor } from '../../app/cli-ports.ts';

interface RedriveOptions {
  queue: 'ingest' | 'classify' | 'both';
  home: string;
  aws?: boolean;
  dryRun?: boolean;
}

/** `galspin redrive`: move dead-lettered messages back to their queue. */
export function register(program: Command): void {
  program
    .command('redrive')
    .description('move dead-lettered messages back to the ingest and/or classify queue')
    .addOption(
      new Option('--queue <q>', 'which queue').choices(['ingest', 'classify', 'both']).default('both'),
    )
    .option('--dry-run', 'only show the queue depths')
    .option('--home <dir>', 'embedded state folder', '.galspin')
    .option('--aws', 'SQS queues named by GALSPIN_INGEST_QUEUE_URL / GALSPIN_CLASSIFY_QUEUE_URL')
    .addHelpText(
      'after',
      '\nExamples:\n  galspin redrive --dry-run\n  galspin redrive --queue classify --aws',
    )
    .action(async (o: RedriveOptions) => {
      const ports = await portsFor({ aws: o.aws, home: resolve(o.home) });
      try {
        for (const name of o.queue === 'both' ? (['ingest', 'classify'] as const) : [o.queue]) {
          const q = name === 'ingest' ? ports.ingestQueue : ports.classifyQueue;
          const d = await q.depth();
          const moved = o.dryRun ? 0 : await q.redrive();
          process.stdout.write(
            `${name}: visible ${d.visible}, in flight ${d.inFlight}, dead-lettered ${d.deadLettered}${o.dryRun ? '' : `; redriven ${moved}`}\n`,
          );
        }
      } finally {
        ports.close();
      }
    });
}
