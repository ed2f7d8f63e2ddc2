/**
 * Reading FITS files: the header of every HDU is parsed up front (cheap), data are decoded lazily
 * on first access, so reading one HDU never decodes another.
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { LIMITS } from '../config/index.ts';
import { ChecksumProblem, verifyChecksums } from './checksum.ts';
import { type CompressedImageInfo, compressedImageInfo, decompressImage } from './compressed.ts';
import { FitsError, FitsProblem, hduLabel } from './errors.ts';
import { gunzipLimited, isGzip } from './gzip.ts';
import { BLOCK, type FitsHeader, type Header, type HeaderContext, parseHeader } from './header.ts';
import { decodeRaw, imageScaling, type RawImage, type Scaling, scaleRaw, viewInPlace } from './image.ts';
import { type Bitpix, type HduLayout, type HduType, layoutOf } from './layout.ts';
import {
  asciiColumn,
  BinaryTableReader,
  type CellValue,
  type TableColumn,
  type TableStructure,
  tableStructure,
} from './table.ts';

export interface ReadOptions {
  /** Largest file accepted, and the inflate ceiling for gzip (bytes). Default LIMITS.maxFitsBytes. */
  maxBytes?: number;
  /**
   * Repair what can be repaired instead of refusing the file (default false: strict). Lenient
   * reading drops unreadable or illegal non-essential cards, keeps the last value of a repeated
   * keyword (as astropy), ignores a BLANK that cannot apply, text after END, non-blank header
   * padding, checksum mismatches, unused bytes at the end of a Rice tile, and bytes after the last
   * HDU. Each repair is one warning. Mandatory and scaling keywords are never guessed.
   */
  lenient?: boolean;
  /** Called with each lenient repair ("HDU 1 (VELOCITY): duplicate keyword ...; ...") and the file. */
  onWarning?: (message: string, file: string) => void;
}

/**
 * Process-wide defaults for the options a caller leaves out, as astropy's `io.fits.conf`: the CLI's
 * `--lenient` sets them once for every file a command reads. Strict unless set.
 */
export const fitsDefaults: Pick<ReadOptions, 'lenient' | 'onWarning'> = {};

export interface Hdu {
  index: number;
  type: HduType;
  /** EXTNAME; 'PRIMARY' for a primary HDU without one (as astropy names it). */
  extname: string | undefined;
  header: FitsHeader;
  /** Image BITPIX; for compressed images ZBITPIX. */
  bitpix: number;
  /** [NAXIS1, NAXIS2, ...]; for compressed images the ZNAXISn of the image. */
  naxis: number[];
  /** Number of image pixels (product of naxis; 0 when NAXIS = 0). 0 for tables. */
  readonly pixels: number;
  /** Byte offsets of the header and data units in the (inflated) file, and the data size. */
  readonly headerOffset: number;
  readonly dataOffset: number;
  readonly dataBytes: number;
  /**
   * Image data after BSCALE/BZERO, BLANK → NaN; FITS order (NAXIS1 fastest), so row r col c of a
   * 2-D image is at r × NAXIS1 + c. Decoded on first call and cached. FitsError for tables/groups.
   * For files read by readFitsFile(Sync), an unscaled BITPIX −64 image that is at least 1/8 of the
   * file is a view into the file's buffer (byte-swapped in place, no copy): treat it as read-only,
   * or copy it (`.slice()`) before mutating or transferring its buffer.
   */
  image(): Float64Array;
  /** Stored image values without scaling, in host byte order (a fresh copy). */
  raw(): RawImage;
  /** Rows and columns of a BINTABLE/TABLE (also of a compressed image's table). */
  table(): TableStructure;
  /** Cells of one table column by name (case-insensitive) or 1-based number. */
  column(nameOrIndex: string | number): CellValue[];
}

export interface FitsFile {
  file: string;
  hdus: Hdu[];
  /** Repairs made by a lenient read (empty when strict: a strict read refuses instead). */
  readonly warnings: string[];
  /** By EXTNAME (case-insensitive, first match) or by 0-based index. */
  hdu(extnameOrIndex: string | number): Hdu | undefined;
}

class HduImpl implements Hdu {
  readonly type: HduType;
  readonly extname: string | undefined;
  readonly bitpix: number;
  readonly naxis: number[];
  private cached: Float64Array | undefined;
  /** Host-order stored values of an IMAGE HDU, once converted. */
  private host: RawImage | undefined;
  private tableCache: TableStructure | undefined;
  private readonly compressed: CompressedImageInfo | undefined;

  constructor(
    readonly file: string,
    readonly index: number,
    readonly header: Header,
    private readonly layout: HduLayout,
    private readonly bytes: Uint8Array,
    readonly headerOffset: number,
    readonly dataOffset: number,
    private readonly maxBytes: number,
    /** True when `bytes` belongs to the reader, so image data may be byte-swapped in place. */
    private readonly owned: boolean,
    private readonly ctx: ReadContext,
  ) {
    this.type = layout.type;
    const extname = header.getString('EXTNAME')?.trim();
    // Default names as astropy gives them.
    this.extname =
      extname ||
      (index === 0 ? 'PRIMARY' : layout.type === 'compressed-image' ? 'COMPRESSED_IMAGE' : undefined);
    if (layout.type === 'compressed-image') {
      this.compressed = this.guard(() => compressedImageInfo(header));
      this.bitpix = this.compressed.zbitpix;
      this.naxis = this.compressed.znaxis;
    } else {
      this.bitpix = layout.bitpix;
      this.naxis = layout.naxis;
    }
    if (this.type === 'image' || this.type === 'compressed-image') {
      this.scale = this.guard(() => imageScaling(header, this.bitpix, ctx.lenient, (m) => this.warn(m)));
    }
  }

  private readonly scale: Scaling = { bscale: 1, bzero: 0 };

  private warn(message: string): void {
    this.ctx.warn(`${hduLabel(this.index, this.extname)}: ${message}`);
  }

  get dataBytes(): number {
    return this.layout.dataBytes;
  }

  get pixels(): number {
    if (this.type !== 'image' && this.type !== 'compressed-image') return 0;
    return this.naxis.length === 0 ? 0 : this.naxis.reduce((a, b) => a * b, 1);
  }

  image(): Float64Array {
    if (this.cached) return this.cached;
    const scaling = this.scaling();
    if (this.type === 'image') {
      const stored = this.hostValues();
      const identity = scaling.bscale === 1 && scaling.bzero === 0;
      this.cached =
        stored instanceof Float64Array && identity
          ? stored
          : scaleRaw(stored, scaling, this.layout.bitpix < 0);
    } else if (this.type === 'compressed-image') {
      const decoded = this.decompress();
      // Quantized floats come back physical (ZSCALE/ZZERO applied); BSCALE/BZERO of the image
      // header still apply on top, as astropy does.
      const identity = scaling.bscale === 1 && scaling.bzero === 0;
      this.cached =
        decoded instanceof Float64Array && identity ? decoded : scaleRaw(decoded, scaling, this.bitpix < 0);
    } else {
      throw new FitsError(this.file, `HDU ${this.index} is a ${this.type}, not an image`, {
        hdu: this.index,
      });
    }
    return this.cached;
  }

  raw(): RawImage {
    if (this.type === 'image') return this.hostValues().slice();
    if (this.type === 'compressed-image') return this.decompress();
    throw new FitsError(this.file, `HDU ${this.index} is a ${this.type}, not an image`, { hdu: this.index });
  }

  /**
   * Stored values in host byte order. When the reader owns the bytes and the data are aligned
   * (FITS data start on 2880-byte boundaries), they are swapped in place and viewed, not copied:
   * no allocation and one native pass per HDU.
   */
  private hostValues(): RawImage {
    if (this.host) return this.host;
    const bitpix = this.layout.bitpix;
    const width = Math.abs(bitpix) / 8;
    const start = this.bytes.byteOffset + this.dataOffset;
    const count = this.pixels;
    // In place only where the HDU is a fair share of the file: a view pins the whole file buffer,
    // and a small map kept from a large file (MaNGA MAPS: 48 HDUs) must not hold megabytes alive.
    const fairShare = this.layout.dataBytes * 8 >= this.bytes.length;
    if (this.owned && fairShare && start % width === 0) {
      this.host = viewInPlace(this.bytes.buffer as ArrayBuffer, start, count, bitpix);
    } else {
      const data = this.bytes.subarray(this.dataOffset, this.dataOffset + this.layout.dataBytes);
      this.host = decodeRaw(data, bitpix, count);
    }
    return this.host;
  }

  table(): TableStructure {
    if (this.tableCache) return this.tableCache;
    if (this.type !== 'bintable' && this.type !== 'table' && this.type !== 'compressed-image') {
      throw new FitsError(this.file, `HDU ${this.index} is a ${this.type}, not a table`, { hdu: this.index });
    }
    const [rowBytes, rows] = [this.layout.naxis[0] ?? 0, this.layout.naxis[1] ?? 0];
    this.tableCache = this.guard(() => tableStructure(this.header, this.type === 'table', rowBytes, rows));
    return this.tableCache;
  }

  column(nameOrIndex: string | number): CellValue[] {
    const structure = this.table();
    const col = this.findColumn(structure, nameOrIndex);
    const data = this.bytes.subarray(this.dataOffset, this.dataOffset + this.layout.dataBytes);
    if (this.type === 'table') return this.guard(() => asciiColumn(data, structure, col));
    return this.guard(() => this.binaryReader(structure).column(col));
  }

  private findColumn(structure: TableStructure, nameOrIndex: string | number): TableColumn {
    const col =
      typeof nameOrIndex === 'number'
        ? structure.columns[nameOrIndex - 1]
        : structure.columns.find((c) => c.name?.toUpperCase() === nameOrIndex.toUpperCase());
    if (!col)
      throw new FitsError(this.file, `HDU ${this.index} has no column ${nameOrIndex}`, { hdu: this.index });
    return col;
  }

  private binaryReader(structure: TableStructure): BinaryTableReader {
    const data = this.bytes.subarray(this.dataOffset, this.dataOffset + this.layout.dataBytes);
    const main = structure.rowBytes * structure.rows;
    const theap = this.header.getNumber('THEAP') ?? main;
    if (theap < main || theap > data.length) {
      throw new FitsProblem(
        `THEAP = ${theap} is outside the data (main table ${main} bytes, data ${data.length})`,
      );
    }
    return new BinaryTableReader(data, structure, theap);
  }

  private decompress(): Float64Array | RawImage {
    const info = this.compressed as CompressedImageInfo;
    const structure = this.table();
    return this.guard(() =>
      decompressImage(
        {
          table: this.binaryReader(structure),
          columns: structure.columns,
          header: this.header,
          maxBytes: this.maxBytes,
          lenient: this.ctx.lenient,
          warn: (m) => this.warn(m),
        },
        info,
      ),
    );
  }

  private scaling(): Scaling {
    return this.scale;
  }

  /** Runs a step whose errors become FitsErrors naming file and HDU. */
  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (err) {
      throw asFitsError(err, this.file, this.index, this.extname);
    }
  }
}

/**
 * Parses FITS bytes (gzip accepted, detected by its magic 1f 8b). Throws FitsError naming `file`
 * for anything that is not well-formed FITS.
 */
export function parseFits(bytes: Uint8Array, file = '<memory>', opts: ReadOptions = {}): FitsFile {
  return parseBytes(bytes, file, opts, false);
}

/** `owned`: the caller hands `bytes` over (a fresh file read), so images may be decoded in place. */
function parseBytes(bytes: Uint8Array, file: string, opts: ReadOptions, owned: boolean): FitsFile {
  try {
    return parseChecked(bytes, file, opts, owned);
  } catch (err) {
    throw asFitsError(err, file);
  }
}

interface ReadContext extends HeaderContext {
  warnings: string[];
}

function parseChecked(bytes: Uint8Array, file: string, opts: ReadOptions, owned: boolean): FitsFile {
  const maxBytes = opts.maxBytes ?? LIMITS.maxFitsBytes;
  const warnings: string[] = [];
  const onWarning = opts.onWarning ?? fitsDefaults.onWarning;
  const ctx: ReadContext = {
    lenient: (opts.lenient ?? fitsDefaults.lenient) === true,
    warnings,
    warn(message: string) {
      warnings.push(message);
      onWarning?.(message, file);
    },
  };
  if (bytes.length === 0) throw new FitsError(file, 'empty file');
  if (bytes.length > maxBytes) throw new FitsError(file, `larger than the ${maxBytes}-byte limit`);
  let data = bytes;
  let ownsData = owned;
  if (isGzip(bytes)) {
    data = gunzipLimited(bytes, file, maxBytes);
    ownsData = true;
    if (data.length === 0) throw new FitsError(file, 'empty file (gzip holds no data)');
  }
  if (!startsWith(data, 'SIMPLE  =')) {
    throw new FitsError(file, 'not a FITS file (does not start with SIMPLE =)');
  }
  const hdus: Hdu[] = [];
  let offset = 0;
  while (offset < data.length) {
    const index = hdus.length;
    if (index > 0 && !startsWith(data.subarray(offset), 'XTENSION')) {
      checkTrailing(data, offset, index, file, ctx);
      break;
    }
    let header: Header;
    let dataOffset: number;
    let layout: HduLayout;
    const hduCtx: HeaderContext = {
      lenient: ctx.lenient,
      warn: (m) => ctx.warn(`${hduLabel(index, extnameHint(data, offset))}: ${m}`),
    };
    try {
      ({ header, dataOffset } = parseHeader(data, offset, hduCtx));
      layout = layoutOf(header, index, ctx.lenient);
    } catch (err) {
      throw asFitsError(err, file, index, extnameHint(data, offset));
    }
    const dataEnd = dataOffset + layout.dataBytes;
    if (dataEnd > data.length) {
      throw new FitsError(
        file,
        `${hduLabel(index, extnameOf(header))} data runs past the end of the file (needs ${layout.dataBytes} bytes at byte ${dataOffset}, file has ${data.length})`,
        { hdu: index },
      );
    }
    const next = Math.min(data.length, dataOffset + Math.ceil(layout.dataBytes / BLOCK) * BLOCK);
    try {
      verifyChecksums(header, data.subarray(offset, dataOffset), data.subarray(dataOffset, next));
    } catch (err) {
      if (!ctx.lenient || !(err instanceof ChecksumProblem))
        throw asFitsError(err, file, index, extnameOf(header));
      hduCtx.warn(`${(err as Error).message}; ignored`);
    }
    hdus.push(new HduImpl(file, index, header, layout, data, offset, dataOffset, maxBytes, ownsData, ctx));
    offset = dataOffset + Math.ceil(layout.dataBytes / BLOCK) * BLOCK;
  }
  return makeFile(file, hdus, warnings);
}

/**
 * Bytes after the last HDU. Zeros (padding some writers add) are ignored; anything else is a
 * corrupt extension header or garbage, which strict reading refuses: a damaged XTENSION card must
 * not silently drop the rest of the file.
 */
function checkTrailing(
  data: Uint8Array,
  offset: number,
  index: number,
  file: string,
  ctx: ReadContext,
): void {
  let i = offset;
  while (i < data.length && data[i] === 0) i++;
  if (i === data.length) return;
  const problem = `${data.length - offset} bytes after HDU ${index - 1} are not an extension header (no XTENSION at byte ${offset})`;
  if (!ctx.lenient) throw new FitsError(file, problem, { hdu: index });
  ctx.warn(`${problem}; ignored`);
}

function extnameOf(header: Header): string | undefined {
  return header.getString('EXTNAME')?.trim() || undefined;
}

/** EXTNAME from a header that may not parse, for naming the HDU in an error. */
function extnameHint(data: Uint8Array, offset: number): string | undefined {
  const end = Math.min(data.length, offset + 10 * BLOCK);
  const text = Buffer.from(data.buffer, data.byteOffset + offset, end - offset).toString('latin1');
  for (let at = 0; at + 80 <= text.length; at += 80) {
    const card = text.slice(at, at + 80);
    // Stop at END, and at binary bytes: a header without END runs into data or the next header.
    if (card.startsWith('END     ') || /[^ -~]/.test(card)) return undefined;
    if (at > 0 && card.startsWith('XTENSION')) return undefined;
    if (card.startsWith("EXTNAME = '")) {
      const m = /^EXTNAME = '([ -&(-~]*)'/.exec(card);
      return m ? m[1].trim() || undefined : undefined;
    }
  }
  return undefined;
}

/** Turns any error met while reading into a FitsError naming the file (and HDU, when known). */
function asFitsError(err: unknown, file: string, index?: number, extname?: string): FitsError {
  if (err instanceof FitsError) return err;
  const where = index === undefined ? '' : `${hduLabel(index, extname)}: `;
  if (err instanceof FitsProblem)
    return new FitsError(file, `${where}${err.message}`, { hdu: index, cause: err });
  const e = err as Error;
  return new FitsError(file, `${where}internal error (${e?.name ?? 'Error'}: ${e?.message ?? String(err)})`, {
    hdu: index,
    cause: err,
    internal: true,
  });
}

function makeFile(file: string, hdus: Hdu[], warnings: string[]): FitsFile {
  return {
    file,
    hdus,
    warnings,
    hdu(key: string | number): Hdu | undefined {
      if (typeof key === 'number') return hdus[key];
      const upper = key.toUpperCase();
      return hdus.find((h) => h.extname?.toUpperCase() === upper);
    },
  };
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Reads and parses a file; refuses one larger than the limit before reading it. */
export async function readFitsFile(path: string, opts: ReadOptions = {}): Promise<FitsFile> {
  const maxBytes = opts.maxBytes ?? LIMITS.maxFitsBytes;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new FitsError(path, describeIoError(err));
  }
  try {
    const { size } = await handle.stat();
    checkSize(path, size, maxBytes);
    const bytes = uninitialized(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await handle.read(bytes, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return parseBytes(bytes.subarray(0, got), path, opts, true);
  } catch (err) {
    if (err instanceof FitsError) throw err;
    throw new FitsError(path, describeIoError(err));
  } finally {
    await handle.close();
  }
}

/** Synchronous twin of readFitsFile, for tight loops (benchmarks, CLI on many small files). */
export function readFitsFileSync(path: string, opts: ReadOptions = {}): FitsFile {
  const maxBytes = opts.maxBytes ?? LIMITS.maxFitsBytes;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FitsError(path, describeIoError(err));
  }
  try {
    const { size } = fstatSync(fd);
    checkSize(path, size, maxBytes);
    const bytes = uninitialized(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return parseBytes(bytes.subarray(0, got), path, opts, true);
  } catch (err) {
    if (err instanceof FitsError) throw err;
    throw new FitsError(path, describeIoError(err));
  } finally {
    closeSync(fd);
  }
}

/**
 * A buffer for file contents that skips zero-filling (every byte used is overwritten by the read;
 * only the bytes actually read are parsed). Saves a full pass over memory per file.
 */
function uninitialized(size: number): Uint8Array {
  const buf = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(buf.buffer, buf.byteOffset, size);
}

function checkSize(path: string, size: number, maxBytes: number): void {
  if (size === 0) throw new FitsError(path, 'empty file');
  if (size > maxBytes) throw new FitsError(path, `file is ${size} bytes, over the ${maxBytes}-byte limit`);
}

function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EISDIR') return 'is a directory, not a FITS file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(err);
}

export type { Bitpix };
