/**
 * What the shared contract cannot show: several processes on one queue file. Consumers on separate
 * connections never get the same message within its visibility timeout, and a consumer killed with
 * SIGKILL mid-batch loses nothing — its messages come back after the timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../ports/storage.ts';
import { SqliteQueue } from './sqlite-queue.ts';

const dir = mkdtempSync(join(tmpdir(), 'galspin-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const queueModule = fileURLToPath(new URL('./sqlite-queue.ts', import.meta.url));

describe('SqliteQueue across connections and processes', () => {
  it('hands each message to exactly one of two concurrent consumers', async () => {
    const file = join(dir, 'concurrent.sqlite');
    const producer = new SqliteQueue(file, { name: 'work', visibilitySeconds: 60 });
    const bodies = Array.from({ length: 60 }, (_, i) => `m${i}`);
    await producer.sendBatch(bodies);
    const consume = async (q: SqliteQueue) => {
      const got: QueueMessage[] = [];
      for (;;) {
        const batch = await q.receive({ maxMessages: 7, waitSeconds: 0 });
        if (batch.length === 0) return got;
        got.push(...batch);
        await new Promise((r) => setImmediate(r));
      }
    };
    const a = new SqliteQueue(file, { name: 'work', visibilitySeconds: 60 });
    const b = new SqliteQueue(file, { name: 'work', visibilitySeconds: 60 });
    const [ga, gb] = await Promise.all([consume(a), consume(b)]);
    const all = [...ga, ...gb].map((m) => m.body).sort();
    expect(all).toEqual([...bodies].sort());
    expect(new Set(all).size).toBe(60);
    for (const q of [producer, a, b]) q.close();
  });

  it('redelivers every message of a consumer killed with SIGKILL mid-batch', async () => {
    const file = join(dir, 'killed.sqlite');
    const q = new SqliteQueue(file, { name: 'classify', visibilitySeconds: 1 });
    await q.sendBatch(['a', 'b', 'c', 'd', 'e']);
    const { claimed, kill } = await claimInChild(file, 'classify', 1);
    expect(claimed.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    await kill();
    expect(await q.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    const again: QueueMessage[] = [];
    while (again.length < 5) again.push(...(await q.receive({ maxMessages: 10, waitSeconds: 3 })));
    expect(again.map((m) => m.body).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(again.every((m) => m.receiveCount === 2)).toBe(true);
    await q.delete(again.map((m) => m.receiptHandle));
    expect(await q.depth()).toEqual({ visible: 0, inFlight: 0, deadLettered: 0 });
    q.close();
  });

  it('hands back the claims of a killed process at once, and never those of a live one', async () => {
    const file = join(dir, 'orphans.sqlite');
    const q = new SqliteQueue(file, { name: 'ingest', visibilitySeconds: 3600 });
    await q.sendBatch(['x', 'y', 'z', 'mine']);
    const { claimed, kill } = await claimInChild(file, 'ingest', 3600, 3);
    expect(claimed).toHaveLength(3);
    const [mine] = await q.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(q.releaseOrphans()).toBe(0); // the child is still alive
    await kill();
    expect(q.releaseOrphans()).toBe(3);
    const back = await q.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(back.map((m) => m.body).sort()).toEqual([...claimed].sort());
    expect(back.every((m) => m.receiveCount === 2)).toBe(true);
    expect(q.releaseOrphans()).toBe(0); // this process's own claims stay in flight
    expect(await q.depth()).toMatchObject({ visible: 0, inFlight: 4 });
    await q.delete([mine.receiptHandle, ...back.map((m) => m.receiptHandle)]);
    q.close();
  });

  it('refuses to extend a delivery that was already deleted', async () => {
    const q = new SqliteQueue(join(dir, 'vis.sqlite'), { name: 'x', visibilitySeconds: 30 });
    await q.sendBatch(['only']);
    const [m] = await q.receive({ maxMessages: 1, waitSeconds: 0 });
    await q.delete([m.receiptHandle]);
    await expect(q.changeVisibility(m.receiptHandle, 10)).rejects.toThrow(/not in flight/);
    q.close();
  });

  it('lists dead letters with their receive counts', async () => {
    let now = 1_000_000;
    const q = new SqliteQueue(join(dir, 'dead.sqlite'), { name: 'd', visibilitySeconds: 1, now: () => now });
    await q.sendBatch(['poison']);
    for (let i = 0; i < 3; i++) {
      expect((await q.receive({ maxMessages: 1, waitSeconds: 0 })).length).toBe(1);
      now += 1000;
    }
    expect(await q.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
    expect(q.deadLetters()).toEqual([expect.objectContaining({ body: 'poison', receiveCount: 3 })]);
    q.close();
  });
});

/** A child process that claims up to `max` messages, reports them, and works until killed. */
async function claimInChild(
  file: string,
  name: string,
  visibilitySeconds: number,
  max = 5,
): Promise<{ claimed: string[]; kill: () => Promise<void> }> {
  const code = `
    const { SqliteQueue } = await import(${JSON.stringify(queueModule)});
    const q = new SqliteQueue(${JSON.stringify(file)}, { name: ${JSON.stringify(name)}, visibilitySeconds: ${visibilitySeconds} });
    const got = await q.receive({ maxMessages: ${max}, waitSeconds: 5 });
    process.stdout.write(JSON.stringify(got.map((m) => m.body)) + '\\n');
    setInterval(() => {}, 1000); // "working" until killed
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const claimed = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (c) => reject(new Error(`consumer exited early (${c})`)));
  });
  const kill = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return { claimed, kill };
}
