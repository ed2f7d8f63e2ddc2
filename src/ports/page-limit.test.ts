import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteResultIndex } from '../adapters/local/sqlite-result-index.ts';
import { GALAXY_READ_LIMIT, ReadLimitError } from './page-limit.ts';

describe('getGalaxy reads a bounded number of rows', () => {
  it(`answers up to ${GALAXY_READ_LIMIT.rows} uploads of one galaxy, and refuses one more`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-bound-'));
    const ix = new SqliteResultIndex(join(dir, 'ix.sqlite'));
    try {
      const put = (i: number) =>
        ix.putSourceStatus({
          sourceKey: `incoming/r/${i}/g1_stellar-velocity_default_two-moment.fits`,
          galaxyId: 'g1',
          status: 'REJECTED',
          reason: 'duplicate',
          runId: 'r',
          updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        });
      for (let i = 0; i < GALAXY_READ_LIMIT.rows; i++) await put(i);
      expect((await ix.getGalaxy('g1')).sources).toHaveLength(GALAXY_READ_LIMIT.rows);
      await put(GALAXY_READ_LIMIT.rows);
      await expect(ix.getGalaxy('g1')).rejects.toThrow(ReadLimitError);
      await expect(ix.getGalaxy('g1')).rejects.toThrow(/galaxy g1 uploads: more than 1000 rows/);
    } finally {
      ix.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
