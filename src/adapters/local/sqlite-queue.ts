/**
 * An SQS-like queue in SQLite: visibility timeouts, receive counts, long poll, and a dead-letter
 * table. Several processes may share one file: a receive claims messages with one
 * `UPDATE … RETURNING` inside an IMMEDIATE transaction, so no message is handed to two consumers
 * within its visibility timeout, and a consumer killed mid-batch simply lets the timeout expire.
 * Each claim records its owner (host and pid), so a later process on the same machine can hand the
 * claims of a dead one back at once ({@link SqliteQueue.releaseOrphans}) instead of waiting out
 * the timeout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIMITS, TIMEOUTS } from '../../config/index.ts';
import { GalspinError } from '../../errors.ts';
import type { DeadLetter, QueueMessage, ReceiveOptions, WorkQueue } from '../../ports/storage.ts';
import { type Db, openSqlite } from './sqlite.ts';

export class QueueError extends GalspinError {
  override name = 'QueueError';
}

export interface SqliteQueueOptions {
  /** Queue name; several queues may share one file. */
  name: string;
  /** Default visibility timeout, seconds. */
  visibilitySeconds?: number;
  /** Receives after which the next receive moves the message to the dead-letter table. */
  maxReceiveCount?: number;
  /** Clock, ms since epoch (tests). */
  now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  receipt TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, visible_at, seq);
CREATE TABLE IF NOT EXISTS queue_dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL,
  dead_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_dead_letters_queue ON queue_dead_letters (queue, seq);
`;

/** Columns added after the first release; added to an existing file on open. */
const MIGRATIONS: [table: string, column: string, ddl: string][] = [
  ['queue_messages', 'owner', 'ALTER TABLE queue_messages ADD COLUMN owner TEXT'],
];

function migrate(db: Db): void {
  for (const [table, column, ddl] of MIGRATIONS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) db.exec(ddl);
  }
}

/** This process, as a claim's owner: `<host>:<pid>`. */
const OWNER = `${hostname()}:${process.pid}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polling interval bounds of a long poll, ms: short first so an arriving message is picked up fast. */
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 200;

export class SqliteQueue implements WorkQueue {
  readonly name: string;
  private readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly visibilityMs: number;
  private readonly maxReceiveCount: number;
  private readonly now: () => number;
  private readonly stmts: ReturnType<typeof prepare>;

  /** `db` is a path (opened and owned) or an open database shared with other adapters. */
  constructor(db: string | Db, opts: SqliteQueueOptions) {
    this.ownsDb = typeof db === 'string';
    this.db = typeof db === 'string' ? openSqlite(db) : db;
    this.db.exec(SCHEMA);
    migrate(this.db);
    this.name = opts.name;
    this.visibilityMs = (opts.visibilitySeconds ?? TIMEOUTS.classifyVisibilitySeconds) * 1000;
    this.maxReceiveCount = opts.maxReceiveCount ?? LIMITS.maxReceiveCount;
    this.now = opts.now ?? Date.now;
    this.stmts = prepare(this.db);
  }

  async sendBatch(bodies: string[]): Promise<void> {
    for (const body of bodies) {
      const bytes = Buffer.byteLength(body);
      if (bytes > LIMITS.maxMessageBytes) {
        throw new QueueError(`${this.name}: message of ${bytes} bytes exceeds ${LIMITS.maxMessageBytes}`);
      }
    }
    const now = this.now();
    this.db.transaction(() => {
      for (const body of bodies) this.stmts.send.run(this.name, randomUUID(), body, now, now);
    })();
  }

  async receive(opts: ReceiveOptions): Promise<QueueMessage[]> {
    const max = Math.max(1, Math.min(opts.maxMessages, LIMITS.maxQueueBatch));
    const visibilityMs =
      opts.visibilitySeconds !== undefined ? opts.visibilitySeconds * 1000 : this.visibilityMs;
    const deadline = this.now() + Math.min(opts.waitSeconds, LIMITS.maxWaitSeconds) * 1000;
    let pause = POLL_MIN_MS;
    for (;;) {
      const got = this.claim(max, visibilityMs);
      if (got.length > 0 || this.now() >= deadline) return got;
      await sleep(Math.min(pause, Math.max(1, deadline - this.now())));
      pause = Math.min(POLL_MAX_MS, pause * 2);
    }
  }

  /** One atomic step: dead-letter exhausted messages, then claim up to `max` visible ones. */
  private claim(max: number, visibilityMs: number): QueueMessage[] {
    const now = this.now();
    return this.db
      .transaction(() => {
        this.stmts.toDead.run(now, this.name, now, this.maxReceiveCount);
        this.stmts.dropDead.run(this.name, now, this.maxReceiveCount);
        const rows = this.stmts.claim.all({
          visibleAt: now + visibilityMs,
          nonce: randomBytes(8).toString('hex'),
          owner: OWNER,
          queue: this.name,
          now,
          max,
        }) as {
          id: string;
          body: string;
          receive_count: number;
          receipt: string;
          seq: number;
        }[];
        return rows
          .sort((a, b) => a.seq - b.seq)
          .map((r) => ({
            messageId: r.id,
            receiptHandle: r.receipt,
            body: r.body,
            receiveCount: r.receive_count,
          }));
      })
      .immediate();
  }

  async delete(receiptHandles: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of receiptHandles) this.stmts.delete.run(this.name, r);
    })();
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const now = this.now();
    const info = this.stmts.changeVisibility.run(now + seconds * 1000, this.name, receiptHandle, now);
    if (info.changes === 0)
      throw new QueueError(`${this.name}: message is not in flight (receipt expired or deleted)`);
  }

  async depth(): Promise<{ visible: number; inFlight: number; deadLettered: number }> {
    const now = this.now();
    const r = this.stmts.depth.get(now, now, this.name, this.name) as {
      visible: number | null;
      inFlight: number | null;
      dead: number;
    };
    return { visible: r.visible ?? 0, inFlight: r.inFlight ?? 0, deadLettered: r.dead };
  }

  async redrive(): Promise<number> {
    const now = this.now();
    return this.db
      .transaction(() => {
        const moved = this.stmts.redrive.run(now, this.name).changes;
        this.stmts.clearDead.run(this.name);
        return moved;
      })
      .immediate();
  }

  async peekDeadLetters(limit = 10): Promise<DeadLetter[]> {
    return this.deadLetters(limit).map(({ messageId, body, receiveCount }) => ({
      messageId,
      body,
      receiveCount,
    }));
  }

  /** Dead-lettered bodies, oldest first (for `galspin redrive --list`). */
  deadLetters(limit = 100): { messageId: string; body: string; receiveCount: number; deadAt: Date }[] {
    return (
      this.stmts.listDead.all(this.name, limit) as {
        id: string;
        body: string;
        receive_count: number;
        dead_at: number;
      }[]
    ).map((r) => ({
      messageId: r.id,
      body: r.body,
      receiveCount: r.receive_count,
      deadAt: new Date(r.dead_at),
    }));
  }

  /**
   * Makes the in-flight messages of processes on this machine that no longer exist visible again
   * (a `galspin run` killed mid-batch), so a new run resumes them at once. Their receive counts
   * stand: a file that kills the process every time still reaches the dead-letter table.
   * Returns how many were released.
   */
  releaseOrphans(): number {
    const now = this.now();
    const owners = this.stmts.owners.all(this.name, now) as { owner: string }[];
    let released = 0;
    for (const { owner } of owners) {
      const at = owner.lastIndexOf(':');
      const host = owner.slice(0, at);
      const pid = Number(owner.slice(at + 1));
      if (host !== hostname() || !Number.isInteger(pid) || isAlive(pid)) continue;
      released += this.stmts.release.run(now, this.name, owner, now).changes;
    }
    return released;
  }

  /** Every message not yet deleted: visible, in flight and dead-lettered (for reconciling). */
  pendingBodies(): { body: string; deadLettered: boolean; receiveCount: number }[] {
    return (
      this.stmts.pending.all(this.name, this.name) as { body: string; dead: number; receive_count: number }[]
    ).map((r) => ({ body: r.body, deadLettered: r.dead === 1, receiveCount: r.receive_count }));
  }

  /** Deletes every message of this queue, dead letters included. */
  async purge(): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM queue_messages WHERE queue = ?').run(this.name);
      this.stmts.clearDead.run(this.name);
    })();
  }

  close(): void {
    if (this.ownsDb) this.db.close();
  }
}

function prepare(db: Db) {
  return {
    send: db.prepare(
      'INSERT INTO queue_messages (queue, id, body, sent_at, visible_at, receive_count) VALUES (?, ?, ?, ?, ?, 0)',
    ),
    toDead: db.prepare(
      `INSERT INTO queue_dead_letters (queue, id, body, sent_at, receive_count, dead_at)
       SELECT queue, id, body, sent_at, receive_count, ? FROM queue_messages
       WHERE queue = ? AND visible_at <= ? AND receive_count >= ? ORDER BY seq`,
    ),
    dropDead: db.prepare(
      'DELETE FROM queue_messages WHERE queue = ? AND visible_at <= ? AND receive_count >= ?',
    ),
    // The receipt is unique per delivery: message id + receive count + a per-claim nonce.
    claim: db.prepare(
      `UPDATE queue_messages
       SET receive_count = receive_count + 1, visible_at = @visibleAt, owner = @owner,
           receipt = id || ':' || (receive_count + 1) || ':' || @nonce
       WHERE seq IN (SELECT seq FROM queue_messages WHERE queue = @queue AND visible_at <= @now ORDER BY seq LIMIT @max)
       RETURNING id, body, receive_count, receipt, seq`,
    ),
    delete: db.prepare('DELETE FROM queue_messages WHERE queue = ? AND receipt = ?'),
    changeVisibility: db.prepare(
      'UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND receipt = ? AND visible_at > ?',
    ),
    depth: db.prepare(
      `SELECT
         (SELECT SUM(visible_at <= ?) FROM queue_messages WHERE queue = q.name) AS visible,
         (SELECT SUM(visible_at > ?) FROM queue_messages WHERE queue = q.name) AS inFlight,
         (SELECT COUNT(*) FROM queue_dead_letters WHERE queue = q.name2) AS dead
       FROM (SELECT ? AS name, ? AS name2) q`,
    ),
    redrive: db.prepare(
      `INSERT INTO queue_messages (queue, id, body, sent_at, visible_at, receive_count)
       SELECT queue, id, body, sent_at, ?, 0 FROM queue_dead_letters WHERE queue = ? ORDER BY seq`,
    ),
    clearDead: db.prepare('DELETE FROM queue_dead_letters WHERE queue = ?'),
    owners: db.prepare(
      'SELECT DISTINCT owner FROM queue_messages WHERE queue = ? AND visible_at > ? AND owner IS NOT NULL',
    ),
    release: db.prepare(
      'UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND owner = ? AND visible_at > ?',
    ),
    pending: db.prepare(
      `SELECT body, 0 AS dead, receive_count FROM queue_messages WHERE queue = ?
       UNION ALL SELECT body, 1 AS dead, receive_count FROM queue_dead_letters WHERE queue = ?`,
    ),
    listDead: db.prepare(
      'SELECT id, body, receive_count, dead_at FROM queue_dead_letters WHERE queue = ? ORDER BY seq LIMIT ?',
    ),
  };
}
