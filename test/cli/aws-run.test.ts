/**
 * `galspin run --aws` against moto as a user runs it (the bin, a shell with only AWS_ENDPOINT_URL
 * set): stdout holds the summary and no log lines, and each `galspin query …` it prints runs as
 * printed, in the same shell.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MotoServer, motoAvailability } from '../support/moto.ts';
import { spawnGalspinAsync } from '../support/run-cli.ts';

const available = motoAvailability().ok;

/** The user's shell: no AWS or galspin settings but the emulator's endpoint. */
function shellEnv(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|GALSPIN_|POWERTOOLS_)/.test(k)) env[k] = v;
  return { ...env, AWS_ENDPOINT_URL: endpoint };
}

/** `galspin …` words of a printed command line (no quoting is needed for what run prints). */
const words = (command: string) => command.trim().split(/\s+/).slice(1);

describe.skipIf(!available)('run --aws (moto)', () => {
  let moto: MotoServer;
  const cwd = mkdtempSync(join(tmpdir(), 'galspin-aws-run-'));
  beforeAll(async () => {
    moto = await MotoServer.start();
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints no log lines on stdout, and its suggested queries run as printed', async () => {
    const env = shellEnv(moto.endpoint);
    const run = await spawnGalspinAsync(
      ['run', '--aws', '--n', '10', '--mc-passes', '2', '--ig-steps', '4'],
      {
        cwd,
        env: { ...env, AWS_MAX_ATTEMPTS: '10' },
        timeoutMs: 540_000,
      },
    );
    expect(run.err).not.toMatch(/^\{/m); // text logs unless --log-format json
    expect(run.code, run.err).toBe(0);
    expect(run.out).not.toMatch(/^\s*\{/m);
    expect(run.out.split('\n').length).toBeLessThan(20);
    const queryLine = run.out.split('\n').find((l) => l.startsWith('query:'));
    expect(queryLine).toBeDefined();
    const suggestions = (queryLine as string)
      .replace(/^query:\s*/, '')
      .split('|')
      .map((s) => s.trim());
    expect(suggestions[0]).toBe('galspin query --class fast --aws');
    for (const s of suggestions) {
      expect(s).toMatch(/^galspin query .*--aws/);
      const q = await spawnGalspinAsync(words(s), { cwd, env });
      expect(q.code, `${s}: ${q.err}`).toBe(0);
      expect(q.err).toBe('');
    }
    const fast = await spawnGalspinAsync([...words(suggestions[0]), '--format', 'jsonl'], { cwd, env });
    const rows = fast.out.trim().split('\n').filter(Boolean);
    const summary = /galaxies\s+fast (\d+)/.exec(run.out);
    expect(rows.length).toBe(Number(summary?.[1]));
  }, 600_000);
});
