/**
 * Tile-compressed images (ZIMAGE = T) per the tiled-image convention (FITS Standard 4.0,
 * Sect. 10): RICE_1, GZIP_1, GZIP_2 and NOCOMPRESS tiles; floats quantized with NO_DITHER,
 * SUBTRACTIVE_DITHER_1 or SUBTRACTIVE_DITHER_2 are restored with CFITSIO's dither sequence.
 */

import { gunzipSync } from 'node:zlib';
import { FitsProblem } from './errors.ts';
import type { Header } from './header.ts';
import { decodeRaw, type RawImage } from './image.ts';
import type { Bitpix } from './layout.ts';
import { riceDecompress } from './rice.ts';
import type { BinaryTableReader, TableColumn } from './table.ts';

export class CompressionProblem extends FitsProblem {}

export interface CompressedImageInfo {
  zbitpix: Bitpix;
  znaxis: number[];
  tile: number[];
  cmptype: string;
}

export function compressedImageInfo(header: Header): CompressedImageInfo {
  const zbitpix = header.getNumber('ZBITPIX');
  if (zbitpix === undefined || ![8, 16, 32, 64, -32, -64].includes(zbitpix)) {
    throw new CompressionProblem(`ZBITPIX = ${header.get('ZBITPIX')} is not a valid BITPIX`);
  }
  const n = header.getNumber('ZNAXIS');
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 999) {
    throw new CompressionProblem(`ZNAXIS = ${header.get('ZNAXIS')} is invalid`);
  }
  const znaxis: number[] = [];
  const tile: number[] = [];
  for (let i = 1; i <= n; i++) {
    const len = header.getNumber(`ZNAXIS${i}`);
    if (len === undefined || !Number.isInteger(len) || len < 0 || len > 2 ** 31 - 1) {
      throw new CompressionProblem(`ZNAXIS${i} = ${header.get(`ZNAXIS${i}`)} is invalid`);
    }
    znaxis.push(len);
    const t = header.getNumber(`ZTILE${i}`) ?? (i === 1 ? len : 1);
    if (!Number.isInteger(t) || t < 1) throw new CompressionProblem(`ZTILE${i} = ${t} is invalid`);
    tile.push(t);
  }
  checkParameterPairs(header);
  return { zbitpix: zbitpix as Bitpix, znaxis, tile, cmptype: (header.getString('ZCMPTYPE') ?? '').trim() };
}

/** ZNAMEi and ZVALi come in pairs (Sect. 10.1.1): one without the other is a damaged header. */
function checkParameterPairs(header: Header): void {
  for (let i = 1; i <= 999; i++) {
    const name = header.present(`ZNAME${i}`);
    if (name !== header.present(`ZVAL${i}`)) {
      throw new CompressionProblem(name ? `ZNAME${i} without ZVAL${i}` : `ZVAL${i} without ZNAME${i}`);
    }
  }
}

/** Named compression parameter ZNAMEi/ZVALi (e.g. BLOCKSIZE, BYTEPIX). */
function zval(header: Header, name: string): number | undefined {
  // Every index is looked at: a gap in the numbering must not hide a later parameter.
  for (let i = 1; i <= 999; i++) {
    const key = header.getString(`ZNAME${i}`);
    if (key !== undefined && key.trim().toUpperCase() === name) {
      const v = header.get(`ZVAL${i}`);
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new CompressionProblem(`ZVAL${i} (${name}) = ${String(v)} is not an integer`);
      }
      return v;
    }
  }
  return undefined;
}

const N_RANDOM = 10000;
let randomValues: Float32Array | undefined;

/** CFITSIO's fits_rand_value sequence (Park & Miller 1988 minimal standard generator). */
function ditherSequence(): Float32Array {
  if (randomValues) return randomValues;
  const values = new Float32Array(N_RANDOM);
  const a = 16807;
  const m = 2147483647;
  let seed = 1;
  for (let i = 0; i < N_RANDOM; i++) {
    const temp = a * seed;
    seed = temp - m * Math.trunc(temp / m);
    values[i] = seed / m;
  }
  randomValues = values;
  return values;
}

const ZERO_VALUE = -2147483646;

export interface TileSource {
  table: BinaryTableReader;
  columns: TableColumn[];
  header: Header;
  /** Ceiling on the decompressed image in bytes (as float64), so a corrupt ZNAXISn cannot exhaust memory. */
  maxBytes: number;
  /** Lenient: unused bytes at the end of a Rice tile are a warning, not an error. */
  lenient?: boolean;
  warn?: (message: string) => void;
}

/** ZQUANTIZ values of the tiled-image convention. */
const QUANTIZE = ['NO_DITHER', 'SUBTRACTIVE_DITHER_1', 'SUBTRACTIVE_DITHER_2'];

/**
 * Decompresses the whole image into FITS order (NAXIS1 fastest). Integer images come back as
 * raw stored integers (the caller applies BSCALE/BZERO/BLANK); quantized floats come back as
 * physical values with ZBLANK → NaN.
 */
export function decompressImage(src: TileSource, info: CompressedImageInfo): Float64Array | RawImage {
  const { header, table, columns } = src;
  const { zbitpix, znaxis, tile, cmptype } = info;
  const total = znaxis.length === 0 ? 0 : znaxis.reduce((a, b) => a * b, 1);
  if (total * 8 > src.maxBytes) {
    throw new CompressionProblem(
      `image of ${znaxis.join(' × ')} pixels exceeds the ${src.maxBytes}-byte limit`,
    );
  }
  // The convention finds its columns by name: an unnamed one (a damaged TTYPEn) cannot be placed.
  const unnamed = columns.find((c) => c.name === undefined);
  if (unnamed)
    throw new CompressionProblem(
      `column ${unnamed.index} of the compressed image has no TTYPE${unnamed.index}`,
    );
  const byName = new Map(columns.map((c) => [c.name?.toUpperCase(), c]));
  const compressedCol = byName.get('COMPRESSED_DATA');
  const gzipCol = byName.get('GZIP_COMPRESSED_DATA');
  const plainCol = byName.get('UNCOMPRESSED_DATA');
  const zscaleCol = byName.get('ZSCALE');
  const zzeroCol = byName.get('ZZERO');
  const zblankCol = byName.get('ZBLANK');
  if (!compressedCol) throw new CompressionProblem('compressed image has no COMPRESSED_DATA column');
  const supported = ['RICE_1', 'RICE_ONE', 'GZIP_1', 'GZIP_2', 'NOCOMPRESS'];
  if (!supported.includes(cmptype)) {
    throw new CompressionProblem(`ZCMPTYPE '${cmptype}' is not supported (only ${supported.join(', ')})`);
  }
  const isFloat = zbitpix < 0;
  const quantized = isFloat && (zscaleCol !== undefined || header.has('ZSCALE'));
  const quantize = (header.getString('ZQUANTIZ') ?? 'NO_DITHER').trim();
  if (!QUANTIZE.includes(quantize))
    throw new CompressionProblem(`ZQUANTIZ '${quantize}' is not one of ${QUANTIZE.join(', ')}`);
  const dither0 = header.getNumber('ZDITHER0') ?? 1;
  if (quantize !== 'NO_DITHER' && (dither0 < 1 || dither0 > N_RANDOM)) {
    throw new CompressionProblem(`ZDITHER0 = ${dither0} is outside 1..${N_RANDOM}`);
  }
  const blockSize = zval(header, 'BLOCKSIZE') ?? 32;
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new CompressionProblem(`BLOCKSIZE ${blockSize} invalid`);
  const intBytes = (quantized ? 4 : (zval(header, 'BYTEPIX') ?? Math.abs(zbitpix) / 8)) as 1 | 2 | 4 | 8;
  if (![1, 2, 4, 8].includes(intBytes))
    throw new CompressionProblem(`BYTEPIX = ${intBytes} is not 1, 2, 4 or 8`);
  const headerBlank = header.getNumber('ZBLANK');

  const out: Float64Array | RawImage = quantized ? new Float64Array(total) : emptyRaw(zbitpix, total);

  // Tile grid: tiles along each axis, tile t's origin from its multi-index.
  const ntiles = znaxis.map((len, k) => Math.ceil(len / tile[k]));
  const tileCount = ntiles.reduce((a, b) => a * b, 1);
  if (tileCount > table.structure.rows) {
    throw new CompressionProblem(
      `image needs ${tileCount} tiles but the table has ${table.structure.rows} rows`,
    );
  }
  const rand = quantize.startsWith('SUBTRACTIVE_DITHER') ? ditherSequence() : undefined;
  for (let t = 0; t < tileCount; t++) {
    const origin: number[] = [];
    const shape: number[] = [];
    let rem = t;
    for (let k = 0; k < znaxis.length; k++) {
      const idx = rem % ntiles[k];
      rem = Math.floor(rem / ntiles[k]);
      origin.push(idx * tile[k]);
      shape.push(Math.min(tile[k], znaxis[k] - idx * tile[k]));
    }
    const npix = shape.reduce((a, b) => a * b, 1);
    let tileValues: ArrayLike<number> | BigInt64Array;
    let physical = false;
    const bytes = table.heapBytes(t, compressedCol);
    if (bytes.length > 0) {
      tileValues = decodeTile(bytes, cmptype, npix, intBytes, blockSize, quantized ? 32 : zbitpix, (used) => {
        const problem = `tile ${t + 1}: ${bytes.length - used} unused bytes at the end of the compressed tile (read ${used} of ${bytes.length})`;
        if (!src.lenient) throw new CompressionProblem(problem);
        src.warn?.(`${problem}; ignored`);
      });
    } else if (gzipCol && table.heapBytes(t, gzipCol).length > 0) {
      // Tiles that could not be quantized are stored losslessly as gzipped raw values.
      const plain = inflate(table.heapBytes(t, gzipCol), npix * 8);
      if (plain.length !== (npix * Math.abs(zbitpix)) / 8) {
        throw new CompressionProblem(
          `tile ${t + 1}: lossless tile inflates to ${plain.length} bytes, not ${(npix * Math.abs(zbitpix)) / 8}`,
        );
      }
      tileValues = decodeRaw(plain, zbitpix, npix) as ArrayLike<number>;
      physical = true;
    } else if (plainCol) {
      tileValues = table.cell(t, plainCol) as number[];
      physical = true;
    } else {
      throw new CompressionProblem(`tile ${t + 1} has no data`);
    }
    if (tileValues.length < npix)
      throw new CompressionProblem(`tile ${t + 1} holds fewer pixels than its shape`);
    let values: ArrayLike<number | bigint> = tileValues;
    if (quantized && !physical) {
      const zscale = zscaleCol ? (table.cell(t, zscaleCol) as number) : (header.getNumber('ZSCALE') ?? 1);
      const zzero = zzeroCol ? (table.cell(t, zzeroCol) as number) : (header.getNumber('ZZERO') ?? 0);
      const zblank = zblankCol ? (table.cell(t, zblankCol) as number) : headerBlank;
      values = unquantize(tileValues as ArrayLike<number>, zscale, zzero, zblank, quantize, rand, t, dither0);
      // CFITSIO (and so astropy) restores ZBITPIX −32 images as float32: round the same way.
      if (zbitpix === -32)
        for (let i = 0; i < values.length; i++)
          (values as Float64Array)[i] = Math.fround(values[i] as number);
    }
    placeTile(out, values, znaxis, origin, shape);
  }
  return out;
}

function emptyRaw(bitpix: Bitpix, n: number): RawImage {
  switch (bitpix) {
    case 8:
      return new Uint8Array(n);
    case 16:
      return new Int16Array(n);
    case 32:
      return new Int32Array(n);
    case 64:
      return new BigInt64Array(n);
    case -32:
      return new Float32Array(n);
    case -64:
      return new Float64Array(n);
  }
}

function inflate(bytes: Uint8Array, maxOutputLength: number): Uint8Array {
  try {
    // One byte of headroom, so a tile that inflates to more than its pixels is seen as such.
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, maxOutputLength) + 1 });
  } catch (err) {
    throw new CompressionProblem(`gzip tile does not inflate (${(err as Error).message})`);
  }
}

function decodeTile(
  bytes: Uint8Array,
  cmptype: string,
  npix: number,
  intBytes: 1 | 2 | 4 | 8,
  blockSize: number,
  bitpix: Bitpix | 32,
  onUnused: (used: number) => void,
): ArrayLike<number> | BigInt64Array {
  if (cmptype === 'RICE_1' || cmptype === 'RICE_ONE') {
    if (intBytes !== 1 && intBytes !== 2 && intBytes !== 4) {
      throw new CompressionProblem(`RICE_1 with ${intBytes}-byte pixels is not supported`);
    }
    const out =
      intBytes === 1 ? new Uint8Array(npix) : intBytes === 2 ? new Int16Array(npix) : new Int32Array(npix);
    const used = riceDecompress(bytes, out, intBytes, blockSize);
    if (used !== bytes.length) onUnused(used);
    return out;
  }
  // Lossless floats are stored as floats; integers (and quantized floats) as BYTEPIX-wide integers.
  const type: Bitpix = bitpix < 0 ? (bitpix as Bitpix) : ((intBytes * 8) as Bitpix);
  const width = Math.abs(type) / 8;
  const plain = cmptype === 'NOCOMPRESS' ? bytes : inflate(bytes, npix * 8);
  if (plain.length !== npix * width) {
    throw new CompressionProblem(
      `tile inflates to ${plain.length} bytes, not the ${npix * width} of its pixels`,
    );
  }
  let src = plain;
  if (cmptype === 'GZIP_2') {
    // GZIP_2 stores all most-significant bytes first, then the next, ... (byte shuffling).
    src = new Uint8Array(npix * width);
    for (let b = 0; b < width; b++) for (let i = 0; i < npix; i++) src[i * width + b] = plain[b * npix + i];
  }
  return decodeRaw(src, type, npix) as ArrayLike<number> | BigInt64Array;
}

function unquantize(
  q: ArrayLike<number>,
  zscale: number,
  zzero: number,
  zblank: number | undefined,
  method: string,
  rand: Float32Array | undefined,
  tileIndex: number,
  dither0: number,
): Float64Array {
  const out = new Float64Array(q.length);
  if (!rand) {
    for (let i = 0; i < q.length; i++) out[i] = q[i] === zblank ? Number.NaN : q[i] * zscale + zzero;
    return out;
  }
  let iseed = (((tileIndex + dither0 - 1) % N_RANDOM) + N_RANDOM) % N_RANDOM;
  let next = Math.trunc(rand[iseed] * 500);
  const dither2 = method === 'SUBTRACTIVE_DITHER_2';
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (v === zblank) out[i] = Number.NaN;
    else if (dither2 && v === ZERO_VALUE) out[i] = 0;
    else out[i] = (v - rand[next] + 0.5) * zscale + zzero;
    next++;
    if (next === N_RANDOM) {
      iseed = (iseed + 1) % N_RANDOM;
      next = Math.trunc(rand[iseed] * 500);
    }
  }
  return out;
}

/** Copies a tile (its own FITS order) into the full image at `origin`. */
function placeTile(
  out: Float64Array | RawImage,
  values: ArrayLike<number | bigint>,
  dims: number[],
  origin: number[],
  shape: number[],
): void {
  const nd = dims.length;
  const rowLen = shape[0];
  const rows = shape.reduce((a, b) => a * b, 1) / rowLen;
  const target = out as unknown as { [i: number]: number | bigint };
  const bigOut = out instanceof BigInt64Array;
  for (let r = 0; r < rows; r++) {
    // Multi-index of this tile row over axes 2..n.
    let rem = r;
    let offset = origin[0];
    let stride = dims[0];
    for (let k = 1; k < nd; k++) {
      const idx = rem % shape[k];
      rem = Math.floor(rem / shape[k]);
      offset += (origin[k] + idx) * stride;
      stride *= dims[k];
    }
    const base = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const v = values[base + i];
      target[offset + i] = bigOut ? BigInt(v) : Number(v);
    }
  }
}
