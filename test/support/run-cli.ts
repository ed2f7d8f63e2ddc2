import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Runs `galspin ARGS` in this process and captures what it writes, and its exit code. */
export async function runGalspin(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'galspin', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}

/**
 * Runs the installed CLI as a user does — `node bin/galspin.mjs ARGS`, the compiled build in dist/
 * (test/support/build-dist.ts makes it current before the tests), in its own process — from `cwd`
 * (default: the repository).
 */
export function spawnGalspin(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/galspin.mjs'), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * {@link spawnGalspin} without blocking this process: for tests whose emulator (test/support/moto.ts's
 * proxy) runs in the test process itself and must keep answering while galspin runs.
 */
export function spawnGalspinAsync(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/galspin.mjs'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 300_000,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, out, err }));
  });
}
