/** galspin's FITS layer: exact, lazy reader and an IMAGE writer (FITS Standard 4.0). */
export type { FitsCard, FitsValue } from './cards.ts';
export { FitsError } from './errors.ts';
export type { FitsHeader } from './header.ts';
export type { RawImage } from './image.ts';
export type { Bitpix, HduType } from './layout.ts';
export {
  type FitsFile,
  fitsDefaults,
  type Hdu,
  parseFits,
  type ReadOptions,
  readFitsFile,
  readFitsFileSync,
} from './read.ts';
export { type ImageStats, imageStats } from './stats.ts';
export { type FileSummary, type HduSummary, summarizeFits, summarizeHdu } from './summary.ts';
export type { CellValue, TableColumn, TableStructure } from './table.ts';
export { type ImageHduSpec, writeFits } from './write.ts';
