/**
 * NumPy .npy (format 1.0/2.0/3.0) reader and writer for float/int arrays, little-endian, C order
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html). Attribution maps travel
 * as .npy so they open in Python with `numpy.load`.
 */
import { PermanentInputError } from '../errors.ts';

/** A byte string that is not a .npy array galspin reads: bad input, never worth a retry. */
export class NpyError extends PermanentInputError {
  override name = 'NpyError';
}

export interface NpyArray {
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, file = 'array.npy'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpyError(`${file}: not a .npy file`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new NpyError(`${file}: unreadable header`);
  if (fortran) throw new NpyError(`${file}: Fortran-order arrays are not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  // Copy into a fresh buffer: a Node Buffer's .slice() is a view into a shared pool.
  const body = new Uint8Array(bytes.subarray(offset));
  const types: Record<string, [number, (b: ArrayBuffer) => NpyArray['data']]> = {
    '<f8': [8, (b) => new Float64Array(b)],
    '<f4': [4, (b) => new Float32Array(b)],
    '<i4': [4, (b) => new Int32Array(b)],
    '|u1': [1, (b) => new Uint8Array(b)],
    '|b1': [1, (b) => new Uint8Array(b)],
  };
  const t = types[descr];
  if (!t) throw new NpyError(`${file}: dtype ${descr} not supported (use <f4, <f8, <i4, |u1)`);
  if (body.length < count * t[0])
    throw new NpyError(`${file}: truncated (${body.length} bytes for ${count} values)`);
  return { shape, data: t[1](body.buffer.slice(0, count * t[0])) };
}

/** Writes a float32 or float64 array as .npy version 1.0. */
export function writeNpy(data: Float32Array | Float64Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Writes a float32 array of the given C-order shape (e.g. [rows, cols]); the shape must hold the data. */
export function writeNpyFloat32(data: Float32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new NpyError(`shape ${shape.join('x')} does not hold ${data.length} values`);
  return writeNpy(data, shape);
}

/** Reads a float32 `.npy` (as written by {@link writeNpyFloat32} or NumPy); other dtypes are refused. */
export function readNpyFloat32(
  bytes: Uint8Array,
  file = 'array.npy',
): { data: Float32Array; shape: number[] } {
  const a = parseNpy(bytes, file);
  if (!(a.data instanceof Float32Array)) throw new NpyError(`${file}: dtype is not <f4`);
  return { data: a.data, shape: a.shape };
}
