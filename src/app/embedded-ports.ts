/**
 * The embedded default: everything under one folder (`<home>/bucket/` as the bucket,
 * `<home>/galspin.sqlite` for both queues and the index).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FolderBlobStore } from '../adapters/local/folder-blob-store.ts';
import { openSqlite } from '../adapters/local/sqlite.ts';
import { SqliteQueue } from '../adapters/local/sqlite-queue.ts';
import { SqliteResultIndex } from '../adapters/local/sqlite-result-index.ts';
import { LIMITS, TIMEOUTS } from '../config/index.ts';
import type { PipelinePorts } from '../ports/pipeline-ports.ts';

/** The embedded default: everything under `home` (e.g. `.galspin/`). */
export function embeddedPorts(
  home: string,
  opts: { classifyVisibilitySeconds?: number } = {},
): PipelinePorts {
  mkdirSync(join(home, 'bucket'), { recursive: true });
  const db = openSqlite(join(home, 'galspin.sqlite'));
  const ingestQueue = new SqliteQueue(db, {
    name: 'ingest',
    visibilitySeconds: TIMEOUTS.ingestVisibilitySeconds,
    maxReceiveCount: LIMITS.maxReceiveCount,
  });
  const classifyQueue = new SqliteQueue(db, {
    name: 'classify',
    visibilitySeconds: opts.classifyVisibilitySeconds ?? TIMEOUTS.classifyVisibilitySeconds,
    maxReceiveCount: LIMITS.maxReceiveCount,
  });
  return {
    mode: 'embedded',
    blobs: new FolderBlobStore(join(home, 'bucket')),
    index: new SqliteResultIndex(db),
    ingestQueue,
    classifyQueue,
    location: join(home, 'bucket'),
    close() {
      db.close();
    },
  };
}
