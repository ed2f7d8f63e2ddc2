/**
 * The one error type the FITS layer raises. Its message always starts with the file name, so a
 * CLI can print it as a single line: "<file>: <problem>", and names the HDU when one is at fault:
 * "<file>: HDU 1 (VELOCITY): duplicate keyword NAXIS1".
 *
 * A FitsError is a PermanentInputError: the file is bad, and reading it again gives the same
 * answer. `cause` keeps the internal error it wraps; `internal` is true when that cause is not one
 * of the reader's own problem classes (a decoder bug met on odd input, still reported as the
 * file's error so that one file never aborts a run).
 */
import { PermanentInputError } from '../errors.ts';

export class FitsError extends PermanentInputError {
  override name = 'FitsError';
  readonly file: string;
  readonly problem: string;
  /** 0-based HDU the problem is in, when one is. */
  readonly hdu: number | undefined;
  readonly internal: boolean;

  constructor(
    file: string,
    problem: string,
    options: { hdu?: number; cause?: unknown; internal?: boolean } = {},
  ) {
    super(`${file}: ${oneLine(problem)}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
    this.problem = oneLine(problem);
    this.hdu = options.hdu;
    this.internal = options.internal ?? false;
  }
}

/** Base of the reader's internal problems: each becomes a FitsError naming the file and HDU. */
export class FitsProblem extends Error {}

/** "HDU 1 (VELOCITY)", or "HDU 1" for an HDU without an EXTNAME. */
export function hduLabel(index: number, extname: string | undefined): string {
  return extname ? `HDU ${index} (${extname})` : `HDU ${index}`;
}

function oneLine(text: string): string {
  // Header text can hold any byte: control characters (C0, DEL, C1) are escaped so the message
  // stays one printable line.
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}
