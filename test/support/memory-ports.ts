/**
 * In-memory ports for the services' unit tests: SQS-like queue semantics (visibility, receive
 * count, dead-letter after N receives) and the index's upsert rules, small enough to read at a
 * glance. The embedded (SQLite) and AWS adapters are exercised by test/integration.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type ResultRow, type SourceRow, STATUS_RANK } from '../../src/config/index.ts';
import {
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  BlobTooLargeError,
  type GalaxyRecord,
  type Page,
  type QueueMessage,
  type ReceiveOptions,
  type ResultIndex,
  type WorkQueue,
} from '../../src/ports/storage.ts';

export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, { body: Uint8Array; etag: string }>();

  async get(key: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const o = this.objects.get(key);
    if (!o) throw new BlobNotFoundError(key);
    if (opts.maxBytes !== undefined && o.body.length > opts.maxBytes) {
      throw new BlobTooLargeError(key, o.body.length, opts.maxBytes);
    }
    return o.body.slice();
  }
  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    return (await this.get(key)).slice(start, end + 1);
  }
  async put(key: string, body: Uint8Array | string): Promise<void> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    this.objects.set(key, { body: bytes, etag: createHash('md5').update(bytes).digest('hex') });
  }
  async head(key: string): Promise<BlobInfo | undefined> {
    const o = this.objects.get(key);
    return o ? { key, size: o.body.length, etag: o.etag } : undefined;
  }
  async *list(prefix: string): AsyncIterable<BlobInfo> {
    for (const key of [...this.objects.keys()].sort()) {
      if (key.startsWith(prefix)) yield (await this.head(key)) as BlobInfo;
    }
  }
}

interface Stored {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  handle?: string;
}

export class MemoryQueue implements WorkQueue {
  private messages: Stored[] = [];
  readonly dead: Stored[] = [];

  constructor(private readonly opts: { visibilitySeconds: number; maxReceiveCount: number }) {}

  async sendBatch(bodies: string[]): Promise<void> {
    for (const body of bodies) this.messages.push({ id: randomUUID(), body, receiveCount: 0, visibleAt: 0 });
  }
  async receive(o: ReceiveOptions): Promise<QueueMessage[]> {
    const deadline = Date.now() + o.waitSeconds * 1000;
    for (;;) {
      const now = Date.now();
      const out: QueueMessage[] = [];
      for (const m of [...this.messages]) {
        if (out.length >= o.maxMessages) break;
        if (m.visibleAt > now) continue;
        if (m.receiveCount >= this.opts.maxReceiveCount) {
          this.messages = this.messages.filter((x) => x !== m);
          this.dead.push(m);
          continue;
        }
        m.receiveCount++;
        m.handle = randomUUID();
        m.visibleAt = now + (o.visibilitySeconds ?? this.opts.visibilitySeconds) * 1000;
        out.push({ messageId: m.id, receiptHandle: m.handle, body: m.body, receiveCount: m.receiveCount });
      }
      if (out.length > 0 || Date.now() >= deadline) return out;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async delete(handles: string[]): Promise<void> {
    this.messages = this.messages.filter((m) => !m.handle || !handles.includes(m.handle));
  }
  async changeVisibility(handle: string, seconds: number): Promise<void> {
    const m = this.messages.find((x) => x.handle === handle);
    if (m) m.visibleAt = Date.now() + seconds * 1000;
  }
  async depth() {
    const now = Date.now();
    return {
      visible: this.messages.filter((m) => m.visibleAt <= now).length,
      inFlight: this.messages.filter((m) => m.visibleAt > now).length,
      deadLettered: this.dead.length,
    };
  }
  async redrive(): Promise<number> {
    const n = this.dead.length;
    for (const m of this.dead.splice(0)) this.messages.push({ ...m, receiveCount: 0, visibleAt: 0 });
    return n;
  }
}

/** Implements the upsert rules of the ResultIndex contract; queries are not needed by the unit tests. */
export class MemoryIndex implements ResultIndex {
  readonly results = new Map<string, ResultRow>();
  readonly sources = new Map<string, SourceRow>();

  async putResult(row: ResultRow): Promise<boolean> {
    const k = `${row.galaxyId}#${row.modelVersion}`;
    const old = this.results.get(k);
    if (old && old.updatedAt > row.updatedAt) return false;
    this.results.set(k, row);
    return true;
  }
  async putSourceStatus(row: SourceRow): Promise<boolean> {
    const old = this.sources.get(row.sourceKey);
    if (old && old.etag === row.etag && STATUS_RANK[row.status] < STATUS_RANK[old.status]) return false;
    this.sources.set(row.sourceKey, { ...old, ...row });
    return true;
  }
  async getResult(galaxyId: string, modelVersion: string) {
    return this.results.get(`${galaxyId}#${modelVersion}`);
  }
  async getSource(key: string) {
    return this.sources.get(key);
  }
  async getGalaxy(galaxyId: string): Promise<GalaxyRecord> {
    return {
      galaxyId,
      results: [...this.results.values()].filter((r) => r.galaxyId === galaxyId),
      sources: [...this.sources.values()].filter((s) => s.galaxyId === galaxyId),
    };
  }
  async queryByClass(): Promise<Page<ResultRow>> {
    throw new Error('MemoryIndex: queries not implemented');
  }
  async queryResultsByStatus(): Promise<Page<ResultRow>> {
    throw new Error('MemoryIndex: queries not implemented');
  }
  async querySourcesByStatus(): Promise<Page<SourceRow>> {
    throw new Error('MemoryIndex: queries not implemented');
  }
}
