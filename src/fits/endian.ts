/** Byte order helpers: FITS data are big-endian; typed arrays use the host order. */
import { endianness } from 'node:os';

export const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Copies `length` big-endian elements of `width` bytes from `src` into the host-order buffer `dst`
 * (byte length ≥ length × width). Uses Node's native Buffer.swapN, which is much faster than a
 * DataView loop for the sizes of survey maps.
 */
export function copyBigEndian(src: Uint8Array, dst: ArrayBuffer, width: 1 | 2 | 4 | 8, length: number): void {
  const bytes = length * width;
  const target = new Uint8Array(dst, 0, bytes);
  target.set(src.subarray(0, bytes));
  if (width === 1 || !HOST_IS_LITTLE_ENDIAN || bytes === 0) return;
  const buf = Buffer.from(dst, 0, bytes);
  if (width === 2) buf.swap16();
  else if (width === 4) buf.swap32();
  else buf.swap64();
}
