import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { touchHeartbeat } from './heartbeat.ts';

describe('touchHeartbeat', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'galspin-heartbeat-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file the first time, empty', () => {
    const file = join(dir, 'first');
    touchHeartbeat(file);
    expect(statSync(file).size).toBe(0);
  });

  it('moves an old mtime to now and leaves the content alone', () => {
    const file = join(dir, 'old');
    writeFileSync(file, 'kept');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, hourAgo, hourAgo);
    touchHeartbeat(file);
    const s = statSync(file);
    expect(Date.now() - s.mtimeMs).toBeLessThan(60_000);
    expect(s.size).toBe(4);
  });
});
