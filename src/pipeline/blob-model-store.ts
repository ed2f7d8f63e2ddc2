/**
 * The ModelStore of src/model/store.ts over any BlobStore (S3, or the folder bucket), with the same
 * layout as FolderModelStore under `models/`:
 *
 *   models/<version>/model.json  weights.bin  metrics.json  model-card.md
 *   models/champion.json = { version, promotedAt, previous? }
 *
 * so a model trained in the cloud loads locally from a synced folder and vice versa.
 */
import { PREFIX } from '../config/index.ts';
import { MAX_WEIGHTS_BYTES } from '../model/store.ts';
import { type ModelArtifacts, type ModelStore, ModelStoreError } from '../ports/model-store.ts';
import { BlobNotFoundError, type BlobStore } from '../ports/storage.ts';

const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const JSON_LIMIT = 16 * 1024 * 1024;
const CHAMPION = `${PREFIX.models}champion.json`;

export class BlobModelStore implements ModelStore {
  constructor(
    private readonly blobs: BlobStore,
    private readonly prefix: string = PREFIX.models,
  ) {}

  private key(version: string, file: string): string {
    if (!VERSION_RE.test(version)) throw new ModelStoreError(`bad model version "${version}"`);
    return `${this.prefix}${version}/${file}`;
  }

  private get championKey(): string {
    return this.prefix === PREFIX.models ? CHAMPION : `${this.prefix}champion.json`;
  }

  async save(version: string, a: ModelArtifacts): Promise<void> {
    await this.blobs.put(this.key(version, 'weights.bin'), a.weights, {
      contentType: 'application/octet-stream',
    });
    if (a.metrics) {
      await this.blobs.put(this.key(version, 'metrics.json'), `${JSON.stringify(a.metrics, null, 2)}\n`, {
        contentType: 'application/json',
      });
    }
    if (a.modelCard) {
      await this.blobs.put(this.key(version, 'model-card.md'), a.modelCard, { contentType: 'text/markdown' });
    }
    // model.json last: its presence marks a complete model (as in FolderModelStore).
    await this.blobs.put(this.key(version, 'model.json'), JSON.stringify(a.modelJson), {
      contentType: 'application/json',
    });
  }

  async load(version: string): Promise<ModelArtifacts> {
    const modelJson = await this.json(this.key(version, 'model.json'));
    if (!modelJson) throw new ModelStoreError(`${this.key(version, '')}: no model.json`);
    let weights: Uint8Array;
    try {
      weights = await this.blobs.get(this.key(version, 'weights.bin'), { maxBytes: MAX_WEIGHTS_BYTES });
    } catch (err) {
      if (err instanceof BlobNotFoundError)
        throw new ModelStoreError(`${this.key(version, '')}: no weights.bin`);
      throw new ModelStoreError((err as Error).message);
    }
    const metrics = await this.json(this.key(version, 'metrics.json'));
    const card = await this.text(this.key(version, 'model-card.md'));
    return {
      modelJson,
      weights,
      ...(metrics ? { metrics } : {}),
      ...(card !== undefined ? { modelCard: card } : {}),
    };
  }

  async champion(): Promise<string | undefined> {
    const p = await this.json(this.championKey).catch(() => undefined);
    return typeof p?.version === 'string' ? p.version : undefined;
  }

  async promote(version: string): Promise<void> {
    if (!(await this.blobs.head(this.key(version, 'model.json')))) {
      throw new ModelStoreError(`cannot promote ${version}: not in ${this.prefix}`);
    }
    const previous = await this.champion();
    await this.blobs.put(
      this.championKey,
      `${JSON.stringify({ version, promotedAt: new Date().toISOString(), previous }, null, 2)}\n`,
      { contentType: 'application/json' },
    );
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    for await (const b of this.blobs.list(this.prefix)) {
      const rest = b.key.slice(this.prefix.length);
      const [version, file, extra] = rest.split('/');
      if (file === 'model.json' && extra === undefined) out.push(version);
    }
    return out.sort();
  }

  private async text(key: string): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await this.blobs.get(key, { maxBytes: JSON_LIMIT }));
    } catch (err) {
      if (err instanceof BlobNotFoundError) return undefined;
      throw err;
    }
  }

  private async json(key: string): Promise<Record<string, unknown> | undefined> {
    const t = await this.text(key);
    if (t === undefined) return undefined;
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      throw new ModelStoreError(`${key}: not valid JSON`);
    }
  }
}
