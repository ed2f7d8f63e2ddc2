/**
 * The one error type the FITS layer raises. Its message always starts with the file name, so a
 * CLI can print it as a single line: "<file>: <problem>".
 */
export class FitsError extends Error {
  override name = 'FitsError';
  readonly file: string;
  readonly problem: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
    this.problem = problem;
  }
}
