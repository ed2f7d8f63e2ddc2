/**
 * The size limit comes before reading: `galspin run` over a folder holding a 300 MB FITS file (sparse
 * on disk) checks its size with stat, does not copy it into the bucket, and gives it a REJECTED row
 * naming the file and the limit — while the good file beside it is classified as usual.
 */
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditHome, runGalspin } from '../../bench/faults/kill-resume.ts';
import { embeddedPorts } from '../../src/app/embedded-ports.ts';
import { syntheticUpload } from '../../src/app/synthetic-uploads.ts';
import { LIMITS } from '../../src/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'galspin-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('upload size limit', () => {
  it('a 300 MB file is refused at upload from its size alone, with its own row; the run goes on', async () => {
    const survey = join(dir, 'survey');
    const home = join(dir, 'home');
    mkdirSync(survey, { recursive: true });
    const up = syntheticUpload('9300001', 'fast', 7);
    const huge = join(survey, '9300002_A_stellar-velocity_default_two-moment.fits');
    writeFileSync(join(survey, up.velocity.name), up.velocity.bytes, { flag: 'w' });
    writeFileSync(huge, 'SIMPLE  =                    T');
    truncateSync(huge, 300 * 2 ** 20);

    const r = runGalspin(survey, home);
    expect(r.code, r.stderr).toBe(0);
    const ports = embeddedPorts(home);
    try {
      const rows = await ports.index.querySourcesByStatus({ status: 'REJECTED', limit: 10 });
      expect(rows.items).toHaveLength(1);
      const [row] = rows.items;
      expect(row.sourceKey).toMatch(/9300002_A_stellar-velocity_default_two-moment\.fits$/);
      expect(row.reason).toBe(
        `${huge}: ${300 * 2 ** 20} bytes exceeds the limit of ${LIMITS.maxFitsBytes} bytes; not uploaded`,
      );
      expect(await ports.blobs.head(row.sourceKey)).toBeUndefined();
      const good = await ports.index.querySourcesByStatus({ status: 'CLASSIFIED', limit: 10 });
      expect(good.items.map((g) => g.galaxyId)).toEqual(['9300001']);
    } finally {
      ports.close();
    }
    const audit = await auditHome(home);
    expect(audit.lost).toEqual([]);
    expect(audit.orphanRows).toEqual([]);
  }, 120_000);
});
