import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { addAwsTargetOptions, portsFor } from '../../app/cli-ports.ts';
import { ResultStatus, RotatorClass } from '../../config/index.ts';
import { PermanentInputError } from '../../errors.ts';
import { formatCsv } from '../../formats/csv.ts';
import { ecsvHeader, ecsvNames, ecsvRows } from '../../formats/table/ecsv-write.ts';
import { toFitsBintable } from '../../formats/table/fits-write.ts';
import { tableFormatOf } from '../../formats/table/io.ts';
import type { CellValue, Table } from '../../formats/table/table.ts';
import { type ExportSpec, type ExportStream, openExport } from '../../pipeline/export-rows.ts';
import { integer, unitInterval } from '../args.ts';
import { InputError, UsageError } from '../errors.ts';
import { jsonRecords, renderStdout } from '../table-output.ts';

const FORMATS = ['table', 'csv', 'json', 'jsonl', 'ecsv', 'fits'] as const;
type Format = (typeof FORMATS)[number];

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
  limit?: number;
  cursor?: string;
  format?: Format;
  out?: string;
  home: string;
  aws?: boolean;
  region?: string;
  bucket?: string;
  table?: string;
}

/** Where the export goes: a file (written as it streams) or stdout. */
interface Sink {
  write(chunk: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

async function sinkFor(out: string | undefined): Promise<Sink> {
  if (!out)
    return {
      write: async (c) => {
        process.stdout.write(c);
      },
      close: async () => {},
    };
  const handle = await open(out, 'w');
  return {
    write: async (c) => {
      if (typeof c === 'string') await handle.write(c);
      else await handle.write(c);
    },
    close: () => handle.close(),
  };
}

/**
 * Writes every row of the export. CSV, ECSV and JSON lines stream page by page (memory bounded by
 * one page); a FITS table, a JSON document and the terminal table need all rows first. Returns
 * the number of rows written.
 */
async function writeExport(stream: ExportStream, format: Format, sink: Sink): Promise<number> {
  const { columns, meta } = stream;
  let n = 0;
  const all: Record<string, CellValue>[] = [];
  if (format === 'csv') await sink.write(formatCsv([columns.map((c) => c.name)]));
  if (format === 'ecsv') await sink.write(ecsvHeader({ columns, meta }) + ecsvNames(columns));
  for await (const rows of stream.pages) {
    n += rows.length;
    if (format === 'csv') await sink.write(formatCsv(rows.map((r) => columns.map((c) => r[c.name]))));
    else if (format === 'ecsv') await sink.write(ecsvRows(columns, rows));
    else if (format === 'jsonl')
      await sink.write(
        jsonRecords({ columns: [...columns], rows })
          .map((r) => `${JSON.stringify(r)}\n`)
          .join(''),
      );
    else for (const r of rows) all.push(r);
  }
  const table: Table = { columns: [...columns], rows: all, meta };
  const cursor = stream.cursor();
  if (format === 'fits') await sink.write(toFitsBintable(table, 'GALSPIN'));
  else if (format === 'json')
    await sink.write(`${JSON.stringify({ items: jsonRecords(table), cursor: cursor ?? null }, null, 2)}\n`);
  else if (format === 'table') await sink.write(renderStdout(table, 'table'));
  return n;
}

function specOf(o: QueryOptions): ExportSpec {
  const chosen = [o.galaxy, o.class, o.status].filter((x) => x !== undefined).length;
  if (chosen > 1) throw new UsageError('give at most one of --galaxy, --class, --status');
  if (o.galaxy) return { kind: 'galaxy', galaxyId: o.galaxy };
  if (o.class)
    return {
      kind: 'class',
      class: o.class as RotatorClass,
      modelVersion: o.model,
      minProbability: o.min,
      maxProbability: o.max,
      descending: o.desc,
    };
  if (o.status) return { kind: 'status', status: o.status as ResultStatus, of: o.of, runId: o.run };
  return { kind: 'latest-run' };
}

/** `galspin query`: one galaxy, every row of a class or status, or the latest run, in six formats. */
export function register(program: Command): void {
  const command = program
    .command('query')
    .description(
      'query the results index: one galaxy, a class under a model, rows by status, or the latest run',
    )
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
    .option('--limit <n>', 'at most this many rows (default: every matching row)', integer('--limit', 1))
    .option('--cursor <c>', 'go on after a --limit cut, as printed by the previous query')
    .addOption(
      new Option('--format <f>', 'output format (default: from --out, else table)').choices([...FORMATS]),
    )
    .option('--out <file>', 'write to a file; .csv, .ecsv or .fits picks the format')
    .option('--home <dir>', 'embedded state folder', '.galspin')
    .option('--aws', 'query the AWS deployment (DynamoDB/S3) instead of the embedded index');
  addAwsTargetOptions(command).addHelpText(
    'after',
    `
Without --galaxy, --class or --status: every result of the latest run (the run of the newest row).
Every matching row is written, page after page (1000 rows a round trip), unless --limit is given;
CSV, ECSV and jsonl stream, so a whole-table export needs memory for one page only. Columns are
snake_case (README.md, "Output columns"); ECSV and FITS carry descriptions and units.

Examples:
  galspin query                                        # the latest run's results
  galspin query --class slow --desc --limit 20
  galspin query --status REJECTED --of sources
  galspin query --class fast --format fits --out fast.fits   # every fast galaxy (also: .ecsv, .csv)`,
  );
  command.action(async (o: QueryOptions) => {
    const spec = specOf(o);
    const fromOut = o.out ? tableFormatOf(o.out) : undefined;
    const format: Format = o.format ?? fromOut ?? 'table';
    if (format === 'fits' && !o.out) throw new UsageError('--format fits needs --out FILE');
    const ports = await portsFor({
      aws: o.aws,
      home: resolve(o.home),
      region: o.region,
      bucket: o.bucket,
      table: o.table,
    });
    let sink: Sink | undefined;
    try {
      const stream = await openExport(ports, spec, { limit: o.limit, cursor: o.cursor });
      sink = await sinkFor(o.out);
      const n = await writeExport(stream, format, sink);
      const more = stream.cursor();
      if (o.out) process.stderr.write(`galspin: wrote ${n} rows to ${o.out}\n`);
      if (more && format !== 'json') process.stderr.write(`galspin: more rows: --cursor ${more}\n`);
    } catch (err) {
      if (err instanceof PermanentInputError || (err instanceof Error && err.name === 'CursorError'))
        throw new InputError(err.message);
      throw err;
    } finally {
      await sink?.close();
      ports.close();
    }
  });
}
