/** An embedded home's result index, opened for a reader (the report) that sees only the port. */
import { SqliteResultIndex } from '../adapters/local/sqlite-result-index.ts';
import type { IndexOpener } from '../report/sources.ts';

export const openHomeIndex: IndexOpener = (sqliteFile) => new SqliteResultIndex(sqliteFile);
