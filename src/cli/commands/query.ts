import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ResultStatus, RotatorClass } from '../../config/index.ts';
import { portsFor } from '../../pipeline/cli-support.ts';
import {
  OUTPUT_FORMATS,
  type OutputFormat,
  QueryError,
  type QuerySpec,
  renderQuery,
  runQuery,
} from '../../pipeline/query.ts';
import { unitInterval } from '../args.ts';
import { InputError, UsageError } from '../errors.ts';

interface QueryOptions {
  galaxy?: string;
  class?: string;
  status?: string;
  of: 'sources' | 'results';
  model?: string;
  min?: number;
  max?: number;
  desc?: boolean;
  run?: string;
  limit: number;
  cursor?: string;
  format: OutputFormat;
  out?: string;
  home: string;
  aws?: boolean;
}

/** `galspin query`: one galaxy, or a filtered page of results or statuses, in six formats. */
export function register(program: Command): void {
  program
    .command('query')
    .description('query the results index: one galaxy, a class under a model, or rows by status')
    .option('--galaxy <id>', 'one galaxy: every result and upload')
    .addOption(new Option('--class <c>', 'classified galaxies of this class').choices(RotatorClass.options))
    .addOption(new Option('--status <s>', 'rows with this status').choices(ResultStatus.options))
    .addOption(
      new Option('--of <what>', 'with --status: uploads or results')
        .choices(['sources', 'results'])
        .default('sources'),
    )
    .option('--model <version>', 'model version (default: the champion)')
    .option('--min <p>', 'lowest P(fast)', unitInterval('--min'))
    .option('--max <p>', 'highest P(fast)', unitInterval('--max'))
    .option('--desc', 'highest probability first')
    .option('--run <id>', 'with --status: only this run')
    .option('--limit <n>', 'rows per page (≤ 1000)', (v) => Number(v), 100)
    .option('--cursor <c>', 'next page, as printed by the previous one')
    .addOption(new Option('--format <f>', 'output format').choices([...OUTPUT_FORMATS]).default('table'))
    .option('--out <file>', 'write to a file (required for --format fits)')
    .option('--home <dir>', 'embedded state folder', '.galspin')
    .option('--aws', 'query DynamoDB/S3 named by GALSPIN_TABLE / GALSPIN_BUCKET')
    .addHelpText(
      'after',
      `
Examples:
  galspin query --class slow --desc --limit 20
  galspin query --galaxy 105420 --format json
  galspin query --status REJECTED --of sources --run run-2026-11-25
  galspin query --class fast --min 0.99 --format fits --out fast.fits   # FITS BINTABLE (also: ecsv)`,
    )
    .action(async (o: QueryOptions) => {
      const chosen = [o.galaxy, o.class, o.status].filter((x) => x !== undefined).length;
      if (chosen !== 1) throw new UsageError('give exactly one of --galaxy, --class, --status');
      if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 1000)
        throw new UsageError('--limit must be 1..1000');
      if (o.format === 'fits' && !o.out) throw new UsageError('--format fits needs --out FILE');
      const spec: QuerySpec = o.galaxy
        ? { kind: 'galaxy', galaxyId: o.galaxy }
        : o.class
          ? {
              kind: 'class',
              class: o.class as RotatorClass,
              modelVersion: o.model,
              minProbability: o.min,
              maxProbability: o.max,
              descending: o.desc,
              limit: o.limit,
              cursor: o.cursor,
            }
          : {
              kind: 'status',
              status: o.status as ResultStatus,
              of: o.of,
              runId: o.run,
              limit: o.limit,
              cursor: o.cursor,
            };
      const ports = await portsFor({ aws: o.aws, home: resolve(o.home) });
      try {
        const result = await runQuery(ports, spec);
        const out = renderQuery(result, o.format);
        if (o.out) {
          writeFileSync(o.out, out);
          process.stderr.write(
            `galspin: wrote ${result.rows.length} rows to ${o.out}${result.cursor ? ` (more: --cursor ${result.cursor})` : ''}\n`,
          );
        } else process.stdout.write(out);
      } catch (err) {
        if (err instanceof QueryError || (err instanceof Error && err.name === 'CursorError'))
          throw new InputError(err.message);
        throw err;
      } finally {
        ports.close();
      }
    });
}
