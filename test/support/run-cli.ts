import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

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
