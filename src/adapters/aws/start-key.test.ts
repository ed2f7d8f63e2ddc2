import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../ports/cursor.ts';
import { CursorError } from '../../ports/storage.ts';
import { startKeySchema } from './start-key.ts';

/** A start key as DynamoDB returns it from a Query on GSI1 (table key + index key). */
const key = { PK: 'GALAXY#g1', SK: 'RESULT#v1', GSI1PK: 'CLASS#fast#v1', GSI1SK: '0.970000#GALAXY#g1' };
const schema = startKeySchema('gsi1', 'CLASS#fast#v1', ['0.950000', '1.000000#\uffff']);
const decode = (position: unknown) => decodeCursor('tag', encodeCursor('tag', position), schema);

describe('DynamoDB start keys handed back in a cursor', () => {
  it('accepts the start key the query returned', () => {
    expect(decode(key)).toEqual(key);
  });

  it.each([
    ['another partition of the index', { ...key, GSI1PK: 'CLASS#slow#v1' }],
    ['a sort key outside the query range', { ...key, GSI1SK: '0.100000#GALAXY#g1' }],
    ['a missing key attribute', { PK: key.PK, SK: key.SK, GSI1PK: key.GSI1PK }],
    ['an extra attribute', { ...key, probability: '0.97' }],
    ['the other index key', { PK: key.PK, SK: key.SK, GSI2PK: key.GSI1PK, GSI2SK: key.GSI1SK }],
    ['a non-string value (a DynamoDB number or map)', { ...key, SK: 5 }],
    ['a value over the 1024-byte key limit', { ...key, SK: 'x'.repeat(1025) }],
    ['an empty value', { ...key, SK: '' }],
    ['an array', Object.values(key)],
  ])('refuses %s with CursorError', (_, position) => {
    expect(() => decode(position)).toThrow(CursorError);
  });
});
