/**
 * The FITS checksum convention (Seaman, Pence & Rots 2012; FITS Standard 4.0, Appendix J):
 * DATASUM is the 32-bit ones'-complement sum of the data blocks, written as an unsigned decimal
 * string; CHECKSUM is chosen so that the ones'-complement sum of the whole HDU (header blocks plus
 * data blocks) is −0 (0xFFFFFFFF). Bytes are summed as big-endian 32-bit words; the padding of a
 * short last block counts as zeros.
 */
import { HOST_IS_LITTLE_ENDIAN } from './endian.ts';
import { FitsProblem } from './errors.ts';
import type { Header } from './header.ts';

export class ChecksumProblem extends FitsProblem {}

/**
 * Ones'-complement sum of `bytes` as big-endian 32-bit words (zero-padded to a multiple of 4).
 * Byte lanes are summed separately (each lane sum stays below 2^53 for any file under 2^40 bytes)
 * and folded once at the end, which is the same as CFITSIO's hi/lo 16-bit accumulation.
 */
export function onesComplementSum(bytes: Uint8Array): number {
  if (bytes.byteOffset % 4 === 0 && HOST_IS_LITTLE_ENDIAN) return swarSum(bytes);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = bytes.length - (bytes.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += bytes[i];
    s1 += bytes[i + 1];
    s2 += bytes[i + 2];
    s3 += bytes[i + 3];
  }
  const rest = bytes.length - n;
  if (rest > 0) s0 += bytes[n];
  if (rest > 1) s1 += bytes[n + 1];
  if (rest > 2) s2 += bytes[n + 2];
  return fold(s0 * 256 + s1, s2 * 256 + s3);
}

/**
 * The same sum, four bytes at a time: on a little-endian host, a Uint32 word holds the file's
 * bytes b0..b3 as b0 | b1<<8 | b2<<16 | b3<<24, so masking with 0x00ff00ff gathers b0 and b2 (and
 * shifting by 8 first gathers b1 and b3) in two 16-bit lanes, which hold 256 words of 255 each.
 */
function swarSum(bytes: Uint8Array): number {
  const n = bytes.length >> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let start = 0; start < n; start += 256) {
    const end = Math.min(n, start + 256);
    let even = 0;
    let odd = 0;
    for (let i = start; i < end; i++) {
      const w = words[i];
      even += w & 0x00ff00ff;
      odd += (w >>> 8) & 0x00ff00ff;
    }
    s0 += even & 0xffff;
    s2 += even >>> 16;
    s1 += odd & 0xffff;
    s3 += odd >>> 16;
  }
  const rest = bytes.length - n * 4;
  const at = n * 4;
  if (rest > 0) s0 += bytes[at];
  if (rest > 1) s1 += bytes[at + 1];
  if (rest > 2) s2 += bytes[at + 2];
  return fold(s0 * 256 + s1, s2 * 256 + s3);
}

/** Folds 16-bit half sums with end-around carry into one 32-bit ones'-complement sum. */
function fold(hiSum: number, loSum: number): number {
  let hi = hiSum;
  let lo = loSum;
  for (;;) {
    const hiCarry = Math.floor(hi / 65536);
    const loCarry = Math.floor(lo / 65536);
    if (hiCarry === 0 && loCarry === 0) break;
    hi = (hi % 65536) + loCarry;
    lo = (lo % 65536) + hiCarry;
  }
  return hi * 65536 + lo;
}

/** a + b in 32-bit ones'-complement arithmetic. */
export function onesAdd(a: number, b: number): number {
  return fold(Math.floor(a / 65536) + Math.floor(b / 65536), (a % 65536) + (b % 65536));
}

/**
 * Verifies DATASUM and CHECKSUM when the header has them. `headerBytes` are the header's blocks,
 * `dataBytes` the data with its padding (or as much as the file holds).
 */
export function verifyChecksums(header: Header, headerBytes: Uint8Array, dataBytes: Uint8Array): void {
  const datasumText = header.getString('DATASUM');
  const checksumText = header.getString('CHECKSUM');
  if (datasumText === undefined && checksumText === undefined) return;
  const dataSum = onesComplementSum(dataBytes);
  if (datasumText !== undefined) {
    const t = datasumText.trim();
    if (!/^\d{1,10}$/.test(t) || Number(t) > 0xffffffff) {
      throw new ChecksumProblem(`DATASUM = '${datasumText}' is not an unsigned 32-bit decimal`);
    }
    // An all-zero DATASUM of '0' with real data is a real mismatch too (unlike CHECKSUM below).
    if (Number(t) !== dataSum) {
      throw new ChecksumProblem(`DATASUM mismatch: header says ${t}, data sum to ${dataSum}`);
    }
  }
  if (checksumText !== undefined) {
    if (checksumText.length !== 16) {
      throw new ChecksumProblem(`CHECKSUM = '${checksumText}' is not 16 characters`);
    }
    const total = onesAdd(onesComplementSum(headerBytes), dataSum);
    if (total !== 0xffffffff) {
      throw new ChecksumProblem(
        `CHECKSUM mismatch: the HDU sums to 0x${total.toString(16).padStart(8, '0')}, not 0xffffffff`,
      );
    }
  }
}
