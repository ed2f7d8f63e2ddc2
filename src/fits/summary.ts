/** Per-file, per-HDU summary: what `galspin inspect` prints and the FITS benchmark computes. */
import type { FitsFile, Hdu } from './read.ts';
import { imageStats } from './stats.ts';

export interface HduSummary {
  index: number;
  extname: string | null;
  type: Hdu['type'];
  bitpix: number;
  naxis: number[];
  /** Statistics over the finite scaled image values; null where the HDU has no image data. */
  nan: number | null;
  finite: number | null;
  min: number | null;
  max: number | null;
  sum: number | null;
  /** Rows of a table HDU (not part of the inspect JSON contract; null for images). */
  rows?: number;
}

export interface FileSummary {
  file: string;
  hdus: HduSummary[];
}

/** Decodes every image HDU (compressed ones too) and summarizes it; tables give their shape only. */
export function summarizeFits(fits: FitsFile): FileSummary {
  return { file: fits.file, hdus: fits.hdus.map(summarizeHdu) };
}

export function summarizeHdu(hdu: Hdu): HduSummary {
  const base = {
    index: hdu.index,
    extname: hdu.extname ?? null,
    type: hdu.type,
    bitpix: hdu.bitpix,
    naxis: hdu.naxis,
  };
  const hasImage = (hdu.type === 'image' || hdu.type === 'compressed-image') && hdu.pixels > 0;
  if (!hasImage) {
    const summary: HduSummary = { ...base, nan: null, finite: null, min: null, max: null, sum: null };
    if (hdu.type === 'bintable' || hdu.type === 'table') summary.rows = hdu.table().rows;
    return summary;
  }
  return { ...base, ...imageStats(hdu.image()) };
}
