/**
 * A folder as the bucket: key `a/b/c.fits` is the file `<root>/a/b/c.fits`. Writes go to a temp file in
 * the same directory and are renamed into place, so a reader (or a crash) never sees half an object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { PermanentInputError } from '../../errors.ts';
import {
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  BlobTooLargeError,
  type PutOptions,
} from '../../ports/storage.ts';

/** Temp files live beside their target and are never listed. */
const TEMP_PREFIX = '.galspin-tmp-';

export class BlobKeyError extends PermanentInputError {
  override name = 'BlobKeyError';
}

/** Refuses keys that would escape the root or that S3 would treat differently from a file path. */
export function assertSafeKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 1024 ||
    key.startsWith('/') ||
    key.endsWith('/') ||
    key.includes('\\') ||
    key.includes('\0') ||
    key
      .split('/')
      .some((part) => part === '' || part === '.' || part === '..' || part.startsWith(TEMP_PREFIX))
  ) {
    throw new BlobKeyError(`invalid object key: ${JSON.stringify(key)}`);
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export class FolderBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private path(key: string): string {
    assertSafeKey(key);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const path = this.path(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
    try {
      // Size from the open handle: the rename-based writes mean this is the object we will read.
      const { size } = await handle.stat();
      if (opts.maxBytes !== undefined && size > opts.maxBytes)
        throw new BlobTooLargeError(key, size, opts.maxBytes);
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  }

  async getRange(key: string, start: number, endInclusive: number): Promise<Uint8Array> {
    if (!Number.isInteger(start) || !Number.isInteger(endInclusive) || start < 0 || endInclusive < start) {
      throw new RangeError(`${key}: invalid byte range ${start}-${endInclusive}`);
    }
    const path = this.path(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
    try {
      const { size } = await handle.stat();
      if (start >= size) throw new RangeError(`${key}: range start ${start} is past the end (${size} bytes)`);
      // S3 clamps a range that runs past the end.
      const length = Math.min(endInclusive, size - 1) - start + 1;
      const buf = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buf, done, length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, done);
    } finally {
      await handle.close();
    }
  }

  async put(key: string, body: Uint8Array | string, _opts?: PutOptions): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(temp, body);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const st = await stat(this.path(key));
      if (!st.isFile()) return undefined;
      return { key, size: st.size, etag: etagOf(st.size, st.mtimeMs, st.ino), lastModified: st.mtime };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Keys starting with `prefix`, in lexical order like S3 (a prefix is a string prefix, not a folder). */
  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash < 0 ? '' : prefix.slice(0, slash);
    const startDir = dirKey ? join(this.root, ...dirKey.split('/')) : this.root;
    const keys: string[] = [];
    await walk(startDir, this.root, keys);
    keys.sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1));
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const info = await this.head(key);
      if (info) yield info;
    }
  }
}

function etagOf(size: number, mtimeMs: number, ino: number): string {
  return `"${createHash('md5').update(`${size}:${mtimeMs}:${ino}`).digest('hex')}"`;
}

async function walk(dir: string, root: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  for (const e of entries) {
    if (e.name.startsWith(TEMP_PREFIX)) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) await walk(full, root, out);
    else if (e.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
}
