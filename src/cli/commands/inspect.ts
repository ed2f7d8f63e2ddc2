import { type Command, Option } from 'commander';
import { jobProgress } from '../../app/progress.ts';
import {
  type FileSummary,
  FitsError,
  type HduSummary,
  readFitsFile,
  summarizeFits,
} from '../../fits/index.ts';
import { formatCsv } from '../../formats/csv.ts';
import { expandInputs, SkipLog } from '../inputs.ts';

type Format = 'table' | 'json' | 'jsonl' | 'csv';

const CSV_COLUMNS = [
  'file',
  'index',
  'extname',
  'type',
  'bitpix',
  'naxis',
  'nan',
  'finite',
  'min',
  'max',
  'sum',
] as const;

/** `galspin inspect`: lists the HDUs of FITS files with statistics of their image data. */
export function register(program: Command): void {
  program
    .command('inspect')
    .description('list the HDUs of FITS files (.fits, .fits.gz) with NaN counts and finite min/max/sum')
    .argument(
      '<inputs...>',
      'FITS files, folders (searched recursively), quoted globs, @list.txt or - (stdin)',
    )
    .option('--json', 'one JSON object per file per line (same as --format jsonl)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'jsonl', 'csv'])
        .default('table'),
    )
    // Subcommands do not inherit an exitOverride set on the program after they are created; without
    // this an invalid --format would exit 1 from inside commander instead of main's usage code 2.
    .exitOverride()
    .addHelpText(
      'after',
      `
Statistics are over the image values after BSCALE/BZERO with BLANK as NaN, finite values only;
null for tables and empty HDUs. An unreadable file prints one line on stderr, the others go on,
a summary names the unreadable files at the end, and the exit code is 1.

JSON line: {"file","hdus":[{"index","extname","type","bitpix","naxis","nan","finite","min","max","sum"}]}

Example:
  galspin inspect test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits
  galspin inspect --json test/fixtures/fits/*.fits*`,
    )
    .action(async (inputs: string[], o: { json?: boolean; format: Format }) => {
      const format: Format = o.json ? 'jsonl' : o.format;
      const log = new SkipLog();
      const files = await expandInputs(inputs, { log });
      await inspectFiles(files, format, log);
      if (log.summarize(files.length) > 0) process.exitCode = 1;
    });
}

/** Prints each file's summary as it is read; returns how many files could not be read. */
export async function inspectFiles(files: string[], format: Format, log = new SkipLog()): Promise<number> {
  // A handful of files needs no bar; a long list gets one (or plain lines in a log).
  const progress = files.length > 20 ? jobProgress('inspect', files.length, { unit: 'files' }) : undefined;
  let failed = 0;
  if (format === 'csv') process.stdout.write(formatCsv([CSV_COLUMNS]));
  for (const file of files) {
    try {
      const summary = summarizeFits(await readFitsFile(file));
      process.stdout.write(render(summary, format));
    } catch (err) {
      failed++;
      const problem = err instanceof FitsError ? err.problem : ((err as Error).message ?? String(err));
      log.skip(err instanceof FitsError ? err.file : file, problem);
    }
    progress?.increment();
  }
  progress?.stop();
  return failed;
}

function render(summary: FileSummary, format: Format): string {
  if (format === 'json' || format === 'jsonl') {
    return `${JSON.stringify({ file: summary.file, hdus: summary.hdus.map(({ rows: _rows, ...hdu }) => hdu) })}\n`;
  }
  if (format === 'csv') return summary.hdus.map((h) => csvRow(summary.file, h)).join('');
  return table(summary);
}

function csvRow(file: string, h: HduSummary): string {
  const cells = [
    file,
    h.index,
    h.extname ?? '',
    h.type,
    h.bitpix,
    h.naxis.join('x'),
    h.nan,
    h.finite,
    h.min,
    h.max,
    h.sum,
  ];
  return formatCsv([cells]);
}

function num(v: number | null): string {
  if (v === null) return '-';
  if (Number.isInteger(v) && Math.abs(v) < 1e12) return String(v);
  return v.toPrecision(7);
}

function table(summary: FileSummary): string {
  const head = ['#', 'EXTNAME', 'TYPE', 'BITPIX', 'NAXIS', 'NaN', 'FINITE', 'MIN', 'MAX', 'SUM'];
  const rows = summary.hdus.map((h) => [
    String(h.index),
    h.extname ?? '',
    h.type,
    String(h.bitpix),
    h.naxis.length ? h.naxis.join('×') : '-',
    num(h.nan),
    num(h.finite),
    num(h.min),
    num(h.max),
    num(h.sum),
  ]);
  const widths = head.map((t, i) => Math.max(t.length, ...rows.map((r) => [...r[i]].length)));
  const numeric = new Set([0, 3, 5, 6, 7, 8, 9]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${summary.file}\n${[line(head), ...rows.map(line)].join('\n')}\n\n`;
}
