/** BlobStore on S3 (SDK v3; lib-storage multipart upload for large bodies). */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  BlobTooLargeError,
  type PutOptions,
} from '../../ports/storage.ts';

/** Bodies above this go through a multipart upload in parts of this size (the S3 part minimum). */
export const MULTIPART_THRESHOLD = 5 * 1024 * 1024;

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err instanceof NoSuchKey ||
    err instanceof NotFound ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async get(key: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const size = out.ContentLength ?? 0;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) {
        // The length arrives with the headers: drop the connection before the body is read.
        (out.Body as unknown as { destroy?: () => void } | undefined)?.destroy?.();
        throw new BlobTooLargeError(key, size, opts.maxBytes);
      }
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async getRange(key: string, start: number, endInclusive: number): Promise<Uint8Array> {
    if (!Number.isInteger(start) || !Number.isInteger(endInclusive) || start < 0 || endInclusive < start) {
      throw new RangeError(`${key}: invalid byte range ${start}-${endInclusive}`);
    }
    try {
      const out = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${endInclusive}` }),
      );
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key);
      if ((err as { name?: string }).name === 'InvalidRange') {
        throw new RangeError(`${key}: range start ${start} is past the end`);
      }
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string, opts: PutOptions = {}): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const params = {
      Bucket: this.bucket,
      Key: key,
      Body: bytes,
      ContentType: opts.contentType,
      Metadata: opts.metadata,
    };
    if (bytes.byteLength > MULTIPART_THRESHOLD) {
      await new Upload({ client: this.s3, params, queueSize: 2, partSize: MULTIPART_THRESHOLD }).done();
    } else {
      await this.s3.send(new PutObjectCommand(params));
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, etag: out.ETag, lastModified: out.LastModified };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const out = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of out.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag, lastModified: o.LastModified };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }
}
