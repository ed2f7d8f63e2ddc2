/**
 * What the batch commands (predict, explain, moran, inspect) accept as inputs, expanded by galspin
 * itself so no shell argument-length limit applies: files; folders (searched recursively for FITS
 * suffixes); quoted globs such as 'runs/survey/fits/*_stellar-velocity_*.fits' (tinyglobby);
 * `@list.txt`, a file with one path per line; and `-`, the same list on standard input. In a list,
 * blank lines and lines starting with '#' are skipped; relative paths are taken from the current
 * folder, as xargs and `tar -T` do. A path that does not exist is passed on, for the command to
 * report in its place among the others.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { FITS_SUFFIXES } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import { FitsError } from '../fits/index.ts';
import { pairProductFiles } from '../maps/load.ts';
import { MapError } from '../maps/types.ts';
import { UsageError } from './errors.ts';

/** Refuse to walk absurdly large trees from one command. */
export const MAX_INPUT_FILES = 100_000;

export const isFitsName = (name: string): boolean =>
  FITS_SUFFIXES.some((s) => name.toLowerCase().endsWith(s));

/** Collects what went wrong with individual inputs: a warning each as it happens, a summary at the end. */
export class SkipLog {
  readonly skipped: { file: string; reason: string }[] = [];

  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(l)) {}

  skip(file: string, reason: string): void {
    this.skipped.push({ file, reason });
    this.write(`galspin: ${file}: ${reason.split('\n')[0]}\n`);
  }

  /**
   * Logs a file that could not be read: the file the error names (a pair's dispersion file may be
   * the culprit) and its one-line problem. Errors that are not about the input are rethrown (bugs).
   */
  skipError(file: string, err: unknown): void {
    const named = err instanceof MapError || err instanceof FitsError ? err.file : undefined;
    const known = named !== undefined || err instanceof PermanentInputError;
    if (!known && typeof (err as NodeJS.ErrnoException | undefined)?.code !== 'string') throw err;
    const culprit = named ?? file;
    const message = (err as Error).message;
    this.skip(culprit, message.startsWith(`${culprit}: `) ? message.slice(culprit.length + 2) : message);
  }

  /**
   * One closing line naming every skipped input, when more than one was skipped (a single skip's
   * warning line already says it all); returns how many were skipped.
   */
  summarize(total: number): number {
    if (this.skipped.length > 1)
      this.write(
        `galspin: skipped ${this.skipped.length} of ${total} inputs: ${this.skipped.map((s) => s.file).join(', ')}\n`,
      );
    return this.skipped.length;
  }
}

export interface ExpandOptions {
  /** Text of standard input, read when an argument is `-` (default: process.stdin). */
  stdin?: () => Promise<string>;
  log: SkipLog;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Paths of a list file: one per line; blank lines and '#' comments skipped. */
export function parsePathList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && isFitsName(e.name)) out.push(p);
    if (out.length > MAX_INPUT_FILES)
      throw new UsageError(`${dir}: more than ${MAX_INPUT_FILES} FITS files; give a narrower folder or glob`);
  }
}

/**
 * Expands the command-line inputs into file paths, in argument order (folders and globs sorted),
 * each path once. A glob that matches nothing and a folder without FITS files are logged.
 * UsageError when nothing at all is left.
 */
export async function expandInputs(args: readonly string[], opts: ExpandOptions): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const key = resolve(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  const one = async (arg: string): Promise<void> => {
    const s = await stat(arg).catch(() => undefined);
    if (s?.isDirectory()) {
      const found: string[] = [];
      await walk(arg, found);
      if (found.length === 0) opts.log.skip(arg, 'folder holds no FITS files');
      for (const f of found) add(f);
    } else if (s) add(arg);
    else if (isDynamicPattern(arg)) {
      // Absolute patterns give absolute paths, relative ones paths relative to here, as a shell would.
      const matches = (
        await glob(arg, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(arg) })
      ).sort();
      if (matches.length === 0) opts.log.skip(arg, 'no file matches this pattern');
      if (matches.length > MAX_INPUT_FILES)
        throw new UsageError(`${arg}: matches more than ${MAX_INPUT_FILES} files`);
      for (const m of matches) add(m);
      // A missing path stays in place: the reader names it ("no such file") in input order.
    } else add(arg);
  };
  for (const arg of args) {
    if (arg === '-' || (arg.startsWith('@') && arg.length > 1)) {
      let text: string;
      if (arg === '-') text = await (opts.stdin ?? readStdin)();
      else {
        const list = arg.slice(1);
        text = await readFile(list, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new UsageError(`${list}: cannot read the list of inputs (${err.code ?? err.message})`);
        });
      }
      for (const p of parsePathList(text)) await one(p);
    } else await one(arg);
    if (out.length > MAX_INPUT_FILES) throw new UsageError(`more than ${MAX_INPUT_FILES} input files`);
  }
  if (out.length === 0) throw new UsageError(`no input files in ${args.join(' ')}`);
  return out;
}

/** One galaxy to read: its velocity file and, when given or found beside it, its dispersion file. */
export interface GalaxyFiles {
  velocityFile: string;
  dispersionFile?: string;
}

/**
 * Pairs velocity and dispersion products by their SAMI names (src/maps/load.ts pairProductFiles):
 * a dispersion file given alongside its velocity file is consumed as its pair. A dispersion file
 * without its velocity file is logged and skipped (the models read velocity first). Other files
 * (MaNGA MAPS, unrecognised names) stand alone, in input order.
 */
export function pairInputs(files: readonly string[], log: SkipLog): GalaxyFiles[] {
  const { pairs, orphans } = pairProductFiles(files);
  for (const o of orphans)
    log.skip(o, 'a stellar-velocity-dispersion product without its stellar-velocity file');
  const order = new Map(files.map((f, i) => [f, i]));
  return pairs
    .sort((a, b) => (order.get(a.velocityFile) ?? 0) - (order.get(b.velocityFile) ?? 0))
    .map((p) => ({
      velocityFile: p.velocityFile,
      ...(p.dispersionFile ? { dispersionFile: p.dispersionFile } : {}),
    }));
}
