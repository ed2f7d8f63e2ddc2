/**
 * moto (`python3 -m moto.server`) for a test file: started on 127.0.0.1 behind a small TCP proxy on a
 * free port, stopped afterwards. The proxy is what makes a realistic restart possible: `restart()`
 * stops listening (clients see ECONNREFUSED and the SDK retries), starts a fresh moto, replays the
 * recorded mutating requests into it (moto's recorder) so buckets, queues, messages and rows come back,
 * and only then listens again. Receives/deletes are not replayed, so every message ever sent is
 * visible again after a restart: at-least-once, as SQS promises, never lost.
 *
 * The suite is skipped with a clear message when python3 or moto is missing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProvisionedResources } from '../../src/adapters/aws/provision.ts';

let availability: { ok: boolean; why?: string } | undefined;

/** Whether `python3 -m moto.server` can run here (checked once). */
export function motoAvailability(): { ok: boolean; why?: string } {
  if (!availability) {
    const r = spawnSync('python3', ['-c', 'import moto, moto.server; print(moto.__version__)'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    availability =
      r.status === 0
        ? { ok: true }
        : {
            ok: false,
            why: r.error
              ? `python3 not runnable (${r.error.message})`
              : `moto not importable: ${r.stderr.trim().split('\n').pop()}`,
          };
    if (!availability.ok) {
      process.stderr.write(`[moto] AWS emulator tests skipped: ${availability.why}\n`);
    }
  }
  return availability;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** SQS JSON-protocol targets that read or consume rather than create state; not replayed. */
const NOT_REPLAYED = new Set([
  'AmazonSQS.ReceiveMessage',
  'AmazonSQS.DeleteMessage',
  'AmazonSQS.DeleteMessageBatch',
  'AmazonSQS.ChangeMessageVisibility',
  'AmazonSQS.ChangeMessageVisibilityBatch',
  'AmazonSQS.GetQueueAttributes',
  'AmazonSQS.GetQueueUrl',
  'AmazonSQS.ListQueues',
]);

/**
 * `python3 -m moto.server` with its request recorder behind a lock. moto's server is threaded and
 * the recorder appends each request to the file in more than one write, so under load two large
 * requests (a map PutObject, say) could interleave, and the torn lines would be lost at replay: an
 * object the pipeline wrote would vanish across the restart, which S3 never does.
 */
const LOCKED_RECORDER = `
import sys, threading
from moto.moto_api._internal.recorder import models
lock = threading.Lock()
record = models.Recorder._record_request
def locked(self, *args, **kwargs):
    with lock:
        return record(self, *args, **kwargs)
models.Recorder._record_request = locked
from moto.server import main
sys.argv[0] = 'moto.server'
main(sys.argv[1:])
`;

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** `bucket/key` of a recorded path-style object write (PUT, or POST completing an upload). */
function writtenObject(line: string): string[] {
  const e = JSON.parse(line) as { method: string; url: string };
  if (e.method !== 'PUT' && e.method !== 'POST') return [];
  const path = decodeURIComponent(new URL(e.url).pathname).replace(/^\//, '');
  return path.includes('/') && !path.startsWith('moto-api/') ? [path] : [];
}

function replayable(line: string): boolean {
  try {
    const e = JSON.parse(line) as { method: string; headers: Record<string, string> };
    if (e.method === 'GET' || e.method === 'HEAD') return false;
    const target = e.headers['X-Amz-Target'] ?? e.headers['x-amz-target'] ?? '';
    if (NOT_REPLAYED.has(target)) return false;
    // DynamoDB reads.
    if (/^DynamoDB_\d+\.(Query|Scan|GetItem|BatchGetItem|DescribeTable|ListTables)$/.test(target))
      return false;
    return true;
  } catch {
    return false;
  }
}

export class MotoServer {
  private child: ChildProcess | undefined;
  private backendPort = 0;
  private proxy: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'galspin-moto-'));
  private readonly recording = join(this.dir, 'recording.jsonl');
  private log = '';

  private constructor(readonly port: number) {}

  /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL is set to. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<MotoServer> {
    const server = new MotoServer(await freePort());
    await server.startBackend();
    await server.listen();
    return server;
  }

  private async startBackend(): Promise<void> {
    this.backendPort = await freePort();
    this.log = '';
    const child = spawn(
      'python3',
      ['-c', LOCKED_RECORDER, '-H', '127.0.0.1', '-p', String(this.backendPort)],
      {
        env: { ...process.env, MOTO_ENABLE_RECORDING: 'True', MOTO_RECORDER_FILEPATH: this.recording },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (b: Buffer) => {
      this.log = (this.log + b.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Never leave an emulator behind if the test process dies without afterAll.
    const orphanGuard = () => child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    child.once('exit', () => process.off('exit', orphanGuard));
    this.child = child;
    const url = `http://127.0.0.1:${this.backendPort}/moto-api/`;
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`moto exited (${child.exitCode}) while starting: ${this.log}`);
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() > until) throw new Error(`moto did not start within 60 s: ${this.log}`);
      await sleep(100);
    }
  }

  private listen(): Promise<void> {
    const proxy = createServer((client) => {
      const upstream = connect(this.backendPort, '127.0.0.1');
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    this.proxy = proxy;
    return new Promise((resolve, reject) => {
      proxy.once('error', reject);
      proxy.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  private async unlisten(): Promise<void> {
    const proxy = this.proxy;
    this.proxy = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (proxy) await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }

  private async stopBackend(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }

  /**
   * Takes the emulator away for `downMs` (connections refused), then brings back a fresh moto with
   * the recorded state replayed.
   */
  async restart(
    downMs = 1_000,
  ): Promise<{ replayed: number; downMs: number; startMs: number; replayMs: number }> {
    await this.unlisten();
    const before = await this.objects();
    await this.stopBackend();
    const recorded = readFileSync(this.recording, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const torn = recorded.filter((l) => !parses(l)).length;
    // A torn line is a lost write: fail here, naming it, rather than as a missing object later.
    if (torn > 0) throw new Error(`moto recording ${this.recording}: ${torn} torn line(s)`);
    const lines = recorded.filter(replayable);
    writeFileSync(this.recording, lines.length ? `${lines.join('\n')}\n` : '');
    const started = Date.now();
    await this.startBackend();
    const startMs = Date.now() - started;
    const r = await fetch(`http://127.0.0.1:${this.backendPort}/moto-api/recorder/replay-recording`, {
      method: 'POST',
    });
    if (!r.ok) throw new Error(`moto replay failed: ${r.status} ${await r.text()}`);
    // moto's replay ignores the status of each replayed request: check that every object the
    // recording wrote came back, so an emulator that lost one fails here, naming it, and never as a
    // pipeline bug later (objects from before a clearRecording are not expected back).
    const written = new Set(lines.flatMap(writtenObject));
    const after = await this.objects();
    const lost = [...before]
      .filter(([key, size]) => written.has(key) && after.get(key) !== size)
      .map(([key]) => key);
    if (lost.length > 0)
      throw new Error(`moto replay lost ${lost.length} object(s): ${lost.slice(0, 5).join(', ')}`);
    const replayMs = Date.now() - started - startMs;
    await sleep(Math.max(0, downMs - (Date.now() - started)));
    await this.listen();
    return { replayed: lines.length, downMs: Date.now() - started, startMs, replayMs };
  }

  /** Every object of every bucket, `bucket/key` → size (the backend's S3 listing, up to 1000 a bucket). */
  private async objects(): Promise<Map<string, string>> {
    const base = `http://127.0.0.1:${this.backendPort}`;
    const tags = (xml: string, tag: string) =>
      [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);
    const out = new Map<string, string>();
    for (const bucket of tags(await (await fetch(`${base}/`)).text(), 'Name')) {
      const xml = await (await fetch(`${base}/${bucket}?list-type=2`)).text();
      const keys = tags(xml, 'Key');
      const sizes = tags(xml, 'Size');
      for (const [i, key] of keys.entries()) out.set(`${bucket}/${key}`, sizes[i]);
    }
    return out;
  }

  /** Forgets what was recorded so far: a later restart brings back only what happens from now on. */
  clearRecording(): void {
    writeFileSync(this.recording, '');
  }

  /** Wipes all state (moto's reset), keeping the server up. */
  async reset(): Promise<void> {
    await fetch(`http://127.0.0.1:${this.backendPort}/moto-api/reset`, { method: 'POST' });
    writeFileSync(this.recording, '');
  }

  async stop(): Promise<void> {
    await this.unlisten();
    await this.stopBackend();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_MAX_ATTEMPTS',
] as const;

const GALSPIN_KEYS = [
  'GALSPIN_ENV',
  'GALSPIN_BUCKET',
  'GALSPIN_TABLE',
  'GALSPIN_INGEST_QUEUE_URL',
  'GALSPIN_CLASSIFY_QUEUE_URL',
] as const;

/**
 * Starts moto and points the AWS SDK at it through process.env (endpoint, region, dummy credentials,
 * a retry budget that outlasts a restart). With `provision: 'ci'` it also provisions galspin's
 * resources (src/adapters/aws/provision.ts) and exports their GALSPIN_* variables.
 * Returns a function that stops it and restores the environment.
 */
export async function startMotoForSuite(
  opts: { provision?: string } = {},
): Promise<{ moto: MotoServer; stop: () => Promise<void>; resources?: ProvisionedResources }> {
  const saved = Object.fromEntries([...ENV_KEYS, ...GALSPIN_KEYS].map((k) => [k, process.env[k]]));
  const moto = await MotoServer.start();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_DEFAULT_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  // A restart replays the whole recording, which takes seconds on a busy machine; give the SDK's
  // exponential backoff enough attempts to outlast it (child processes inherit this too).
  process.env.AWS_MAX_ATTEMPTS = process.env.AWS_MAX_ATTEMPTS ?? '30';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  let resources: ProvisionedResources | undefined;
  if (opts.provision) {
    // Imported late so the SDK clients are built after the environment points at moto.
    const { provisionLocal } = await import('../../src/adapters/aws/provision.ts');
    const { createAwsClients } = await import('../../src/adapters/aws/clients.ts');
    resources = await provisionLocal({ environment: opts.provision, clients: createAwsClients() });
    Object.assign(process.env, resources.env);
  }
  return {
    moto,
    resources,
    stop: async () => {
      await moto.stop();
      for (const k of [...ENV_KEYS, ...GALSPIN_KEYS]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    },
  };
}
