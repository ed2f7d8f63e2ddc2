import { describe, expect, it } from 'vitest';
import {
  ClassifyMessage,
  decodeS3Key,
  encodeS3Key,
  ingestObjects,
  MessageError,
  parseClassifyMessage,
  s3CreatedEvent,
} from './index.ts';

describe('ingest messages', () => {
  it('decodes AWS-style keys with + for spaces and percent escapes', () => {
    expect(decodeS3Key('incoming/run+1/a%2Bb%C3%A9.fits')).toBe('incoming/run 1/a+bé.fits');
  });

  it('round-trips keys through the event body galspin writes', () => {
    const key = 'incoming/run 1/9008500001_A+x (2).fits';
    expect(encodeS3Key(key)).not.toContain(' ');
    const objs = ingestObjects(s3CreatedEvent('bkt', key, 1234, '"abc"'));
    expect(objs).toEqual([expect.objectContaining({ bucket: 'bkt', key, size: 1234, etag: '"abc"' })]);
  });

  it('skips s3:TestEvent and non-create records', () => {
    expect(
      ingestObjects(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' })),
    ).toEqual([]);
    const removed = JSON.parse(s3CreatedEvent('b', 'k', 1));
    removed.Records[0].eventName = 'ObjectRemoved:Delete';
    expect(ingestObjects(JSON.stringify(removed))).toEqual([]);
  });

  it('accepts a moto-shaped notification (extra fields, s3: prefix tolerated)', () => {
    const body = {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: '2026-11-25T19:00:00.000Z',
          eventName: 's3:ObjectCreated:Put',
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'x',
            bucket: { name: 'b', arn: 'arn:aws:s3:::b' },
            object: { key: 'incoming/a%20b.fits', size: 10, eTag: 'e' },
          },
        },
      ],
    };
    expect(ingestObjects(JSON.stringify(body))).toEqual([
      { bucket: 'b', key: 'incoming/a b.fits', size: 10, etag: 'e', eventTime: '2026-11-25T19:00:00.000Z' },
    ]);
  });

  it('refuses bodies that are not S3 events with a MessageError', () => {
    expect(() => ingestObjects('not json')).toThrow(MessageError);
    expect(() => ingestObjects('{"hello":1}')).toThrow(/not an S3 event/);
  });
});

describe('classify messages', () => {
  const valid = {
    galaxyId: '9008500001',
    mapKey: 'maps/9008500001.json',
    runId: 'run-1',
    enqueuedAt: '2026-11-25T19:00:00.000Z',
    provenance: {
      sourceKey: 'incoming/x.fits',
      survey: 'SAMI',
      preprocessedAt: '2026-11-25T19:00:00.000Z',
    },
  };

  it('fills defaults and keeps fields', () => {
    const m = parseClassifyMessage(JSON.stringify(valid));
    expect(m.v).toBe(1);
    expect(m.attempt).toBe(1);
    expect(m.provenance.survey).toBe('SAMI');
  });

  it('rejects a run id with the key separator and a bad survey', () => {
    expect(() => parseClassifyMessage(JSON.stringify({ ...valid, runId: 'a#b' }))).toThrow(/runId/);
    expect(
      ClassifyMessage.safeParse({ ...valid, provenance: { ...valid.provenance, survey: 'X' } }).success,
    ).toBe(false);
  });
});
