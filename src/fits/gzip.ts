/** `.fits.gz` support: inflate with a hard ceiling so a gzip bomb cannot exhaust memory. */
import { gunzipSync } from 'node:zlib';
import { FitsError } from './errors.ts';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates `bytes`; FitsError when the stream is corrupt or would exceed `maxBytes`. */
export function gunzipLimited(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  try {
    const out = gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) + 1 });
    if (out.length > maxBytes) throw new FitsError(file, `gzip inflates past the ${maxBytes}-byte limit`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (err) {
    if (err instanceof FitsError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new FitsError(file, `gzip inflates past the ${maxBytes}-byte limit`);
    }
    const detail = e.code === 'Z_BUF_ERROR' ? 'unexpected end of gzip data' : e.message;
    throw new FitsError(file, `gzip data does not inflate (${detail})`);
  }
}
