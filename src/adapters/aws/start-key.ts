/**
 * The DynamoDB start keys (ExclusiveStartKey) a paged query of the results table may be handed back
 * in a cursor. A start key from a query on a GSI holds exactly the table key and that index's key
 * (DynamoDB Developer Guide, "Paginating table query results"), all strings in this table. Anything
 * else (other attributes, another partition, a sort key outside the query's range, an oversized
 * value) is refused before it reaches DynamoDB, which would answer it with a ValidationException.
 */
import { z } from 'zod';
import { TABLE_KEYS } from '../../config/index.ts';

/** DynamoDB's limit on a sort-key value (1024 bytes) bounds every key attribute here. */
const KEY_VALUE = z.string().min(1).max(1024);

/**
 * Schema of the start key of one query on `gsi` with partition `partition`; `sortRange` is the
 * query's `[from, to]` on the index sort key (inclusive), when it has one.
 */
export function startKeySchema(
  gsi: 'gsi1' | 'gsi2',
  partition: string,
  sortRange?: readonly [string, string],
): z.ZodType<Record<string, string>> {
  const pk = gsi === 'gsi1' ? TABLE_KEYS.gsi1pk : TABLE_KEYS.gsi2pk;
  const sk = gsi === 'gsi1' ? TABLE_KEYS.gsi1sk : TABLE_KEYS.gsi2sk;
  return z
    .strictObject({
      [TABLE_KEYS.pk]: KEY_VALUE,
      [TABLE_KEYS.sk]: KEY_VALUE,
      [pk]: z.literal(partition),
      [sk]: KEY_VALUE,
    })
    .refine((k) => !sortRange || (k[sk] >= sortRange[0] && k[sk] <= sortRange[1])) as z.ZodType<
    Record<string, string>
  >;
}
