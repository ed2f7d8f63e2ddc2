/**
 * Wire schemas of the two queues: the ingest queue carries S3 event notifications (delivered by S3,
 * by an emulator, or written by the embedded ingest), the classify queue carries one message per map.
 */
import { z } from 'zod';
import { PermanentInputError } from '../errors.ts';
import { RunId, Survey } from './domain.ts';

/** One record of an S3 event notification (only the fields galspin reads; the rest pass through). */
export const S3EventRecord = z.looseObject({
  eventSource: z.string().optional(),
  eventTime: z.string().optional(),
  /** e.g. `ObjectCreated:Put`; emulators sometimes omit the `s3:` prefix, AWS omits it too. */
  eventName: z.string(),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string().min(1) }),
    object: z.looseObject({
      /** URL-encoded as S3 sends it (spaces as `+`); decode with {@link decodeS3Key}. */
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export type S3EventRecord = z.infer<typeof S3EventRecord>;

export const S3EventNotification = z.looseObject({ Records: z.array(S3EventRecord) });
export type S3EventNotification = z.infer<typeof S3EventNotification>;

/** Sent once by S3 when a notification configuration is written; carries no object. */
export const S3TestEvent = z.looseObject({
  Event: z.literal('s3:TestEvent'),
  Service: z.string().optional(),
  Bucket: z.string().optional(),
});
export type S3TestEvent = z.infer<typeof S3TestEvent>;

/** Body of an ingest-queue message. */
export const IngestMessage = z.union([S3EventNotification, S3TestEvent]);
export type IngestMessage = z.infer<typeof IngestMessage>;

/** One object to ingest, as decoded from an ingest message. */
export interface IngestObject {
  bucket: string;
  /** Decoded key, e.g. `incoming/run 1/9008500001_A.fits`. */
  key: string;
  size?: number;
  etag?: string;
  eventTime?: string;
}

export class MessageError extends PermanentInputError {
  override name = 'MessageError';
}

/**
 * S3 URL-encodes keys in notifications with `+` for spaces; emulators differ on which characters
 * they encode, and decoding is the same for all of them.
 */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Inverse of {@link decodeS3Key}, as AWS encodes (used when galspin writes events itself). */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * Parses an ingest-queue body into the objects it announces: `[]` for `s3:TestEvent` and for
 * non-ObjectCreated records. Throws {@link MessageError} for a body that is not an S3 event.
 */
export function ingestObjects(body: string): IngestObject[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MessageError(`ingest message is not JSON: ${body.slice(0, 80)}`);
  }
  if (S3TestEvent.safeParse(json).success) return [];
  const parsed = S3EventNotification.safeParse(json);
  if (!parsed.success)
    throw new MessageError(`ingest message is not an S3 event: ${z.prettifyError(parsed.error)}`);
  return parsed.data.Records.filter((r) => r.eventName.replace(/^s3:/, '').startsWith('ObjectCreated')).map(
    (r) => ({
      bucket: r.s3.bucket.name,
      key: decodeS3Key(r.s3.object.key),
      size: r.s3.object.size,
      etag: r.s3.object.eTag,
      eventTime: r.eventTime,
    }),
  );
}

/** Builds the body S3 would send for one created object (the embedded ingest and tests use it). */
export function s3CreatedEvent(
  bucket: string,
  key: string,
  size: number,
  etag?: string,
  at = new Date(),
): string {
  const event: S3EventNotification = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventTime: at.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: bucket },
          object: { key: encodeS3Key(key), size, ...(etag ? { eTag: etag } : {}) },
        },
      },
    ],
  };
  return JSON.stringify(event);
}

/** Where a map came from; stored beside the map in `maps/` and copied into the classify message. */
export const Provenance = z.object({
  sourceKey: z.string().min(1),
  sourceEtag: z.string().optional(),
  sourceBytes: z.number().int().nonnegative().optional(),
  dispersionKey: z.string().optional(),
  survey: Survey,
  /** ISO-8601 time the map was preprocessed. */
  preprocessedAt: z.iso.datetime(),
  /** galspin version / git sha of the preprocessor. */
  preprocessor: z.string().optional(),
});
export type Provenance = z.infer<typeof Provenance>;

/** Body of a classify-queue message: one preprocessed map to classify and explain. */
export const ClassifyMessage = z.object({
  v: z.literal(1).default(1),
  galaxyId: z.string().min(1).max(128),
  /** `maps/<galaxyId>.json` (or `.bin`): the preprocessed 40×40 map. */
  mapKey: z.string().min(1),
  provenance: Provenance,
  /** Groups the rows of one ingest / `galspin run` / re-classification. */
  runId: RunId,
  /** Classify with this model version instead of the champion (re-classification). */
  modelVersion: z.string().min(1).optional(),
  /** 1 for the first enqueue; incremented when galspin itself re-enqueues (redrive, reclassify). */
  attempt: z.number().int().min(1).default(1),
  /** ISO-8601 enqueue time, for end-to-end latency. */
  enqueuedAt: z.iso.datetime(),
});
export type ClassifyMessage = z.infer<typeof ClassifyMessage>;
export type ClassifyMessageInput = z.input<typeof ClassifyMessage>;

/** Parses a classify-queue body; throws {@link MessageError} with the first problem. */
export function parseClassifyMessage(body: string): ClassifyMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MessageError(`classify message is not JSON: ${body.slice(0, 80)}`);
  }
  const parsed = ClassifyMessage.safeParse(json);
  if (!parsed.success) throw new MessageError(`classify message invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
