import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cdkJsonContext } from './lib/app.ts';
import { REPO_ROOT } from './lib/paths.ts';

const outdir = mkdtempSync(path.join(tmpdir(), 'galspin-cdk-out-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Runs cdk/bin/app.ts the way `cdk synth` does: CDK_OUTDIR + the cdk.json context, no AWS access. */
function runApp(context: Record<string, unknown>, out: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cdk/bin/app.ts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 280_000,
    env: {
      ...process.env,
      CDK_OUTDIR: out,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      // No credentials and no region: synth must not need them.
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_REGION: '',
    },
  });
}

describe('cdk synth of the app entry (offline, nag as a validation plugin, esbuild bundling)', () => {
  it('writes the cloud assembly with bundled Lambdas and a Docker asset it did not build', {
    timeout: 300_000,
  }, () => {
    const r = runApp(cdkJsonContext(), outdir);
    expect(r.stderr + r.stdout).not.toMatch(/Validation failed|ERROR/);
    expect(r.status).toBe(0);

    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.artifacts)).toContain('Galspin-dev');
    const assets = JSON.parse(readFileSync(path.join(outdir, 'Galspin-dev.assets.json'), 'utf8'));

    const files = Object.values(
      assets.files as Record<string, { source: { path: string; packaging?: string } }>,
    );
    const bundles = files.filter(
      (f) => f.source.packaging === 'zip' && existsSync(path.join(outdir, f.source.path, 'index.mjs')),
    );
    expect(bundles.length).toBe(2);
    for (const b of bundles) {
      const code = readFileSync(path.join(outdir, b.source.path, 'index.mjs'), 'utf8');
      expect(code).toContain('createRequire');
      // The AWS SDK v3 comes from the Node.js 22 runtime, not the bundle.
      expect(code).not.toMatch(/node_modules\/@aws-sdk\/client-s3\//);
    }

    const images = Object.values(
      assets.dockerImages as Record<
        string,
        { source: { directory: string; dockerFile: string; platform: string } }
      >,
    );
    expect(images).toHaveLength(1);
    const [image] = images;
    expect(image.source.dockerFile).toBe('gpu-tasks/Dockerfile');
    expect(image.source.platform).toBe('linux/amd64');
    const context = path.join(outdir, image.source.directory);
    for (const needed of [
      'gpu-tasks/Dockerfile',
      'package.json',
      'package-lock.json',
      'src/config/index.ts',
    ]) {
      expect(existsSync(path.join(context, needed)), needed).toBe(true);
    }
    for (const excluded of ['node_modules', 'cdk', 'test', '.git', 'lambdas']) {
      expect(existsSync(path.join(context, excluded)), excluded).toBe(false);
    }
  });

  it('stops on invalid context with exit code 2 and one line naming the key', { timeout: 300_000 }, () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'galspin-cdk-bad-'));
    try {
      const r = runApp({ ...cdkJsonContext(), instanceType: 'p4d.24xlarge' }, bad);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^invalid cdk context: instanceType:/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
