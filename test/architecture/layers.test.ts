/**
 * The layer rules (.dependency-cruiser.cjs, `npm run lint:layers` in CI) hold on the tree, and they
 * bite: a tree with one upward edge, one cycle, or a service reaching for an adapter fails them.
 * The shells stay thin: every file in lambdas/ and gpu-tasks/ is at most 40 lines.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

function cruise(cwd: string, paths: string[]): { status: number | null; out: string } {
  const r = spawnSync(DEPCRUISE, [...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('layer rules', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A scratch tree with the real config and the given files. */
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-layers-'));
    dirs.push(dir);
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/layers.cjs'), join(dir, 'scripts/layers.cjs'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', allowImportingTsExtensions: true, noEmit: true },
      }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  it('the tree has no cycle, no upward edge and no service importing an adapter', () => {
    const r = cruise(ROOT, ['src', 'lambdas', 'gpu-tasks', 'cdk', 'scripts', 'bench', 'test']);
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it('fails on an upward edge, naming the rule and the edge', () => {
    const dir = tree({
      'src/maps/moran.ts': "import { ingest } from '../pipeline/ingest.ts';\nexport const m = ingest;\n",
      'src/pipeline/ingest.ts': 'export const ingest = 1;\n',
    });
    const r = cruise(dir, ['src']);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/no-upward-from-maps: src\/maps\/moran\.ts → src\/pipeline\/ingest\.ts/);
  });

  it('fails on an import cycle inside one layer', () => {
    const dir = tree({
      'src/fits/header.ts': "import { k } from './keywords.ts';\nexport const h = k;\n",
      'src/fits/keywords.ts': "import { h } from './header.ts';\nexport const k = () => h;\n",
    });
    const r = cruise(dir, ['src']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('no-cycles');
  });

  it('fails when a service imports an adapter, or an adapter imports a service', () => {
    const dir = tree({
      'src/pipeline/classify.ts': "import { S3 } from '../adapters/aws/s3.ts';\nexport const c = S3;\n",
      'src/adapters/aws/s3.ts': "import { k } from '../../maps/moran.ts';\nexport const S3 = k;\n",
      'src/maps/moran.ts': 'export const k = 1;\n',
    });
    const r = cruise(dir, ['src']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('adapters-only-from-composition-roots: src/pipeline/classify.ts');
    expect(r.out).toContain('adapters-import-only-ports: src/adapters/aws/s3.ts');
  });
});

describe('thin shells', () => {
  it('every file in lambdas/ and gpu-tasks/ is at most 40 lines', () => {
    const long: string[] = [];
    for (const folder of ['lambdas', 'gpu-tasks']) {
      for (const name of readdirSync(join(ROOT, folder)).filter((n) => n.endsWith('.ts'))) {
        const lines = readFileSync(join(ROOT, folder, name), 'utf8')
          .replace(/\n$/, '')
          .split('\n').length;
        if (lines > 40) long.push(`${folder}/${name}: ${lines} lines`);
      }
    }
    expect(long).toEqual([]);
  });
});
