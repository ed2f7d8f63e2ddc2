/** The README's Architecture block is the one scripts/architecture.mjs renders from the layer list. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { renderArchitecture } from '../../scripts/architecture.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

describe('README Architecture', () => {
  it('matches the layer list (node scripts/architecture.mjs --write regenerates it)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(renderArchitecture());
  });

  it('names every folder under src/ and every room of src/model/', () => {
    const block = renderArchitecture() as string;
    const folders = (dir: string) =>
      readdirSync(join(ROOT, dir)).filter((n) => statSync(join(ROOT, dir, n)).isDirectory());
    const missing = [
      ...folders('src')
        .map((n) => `src/${n}/`)
        .filter((f) => !block.includes(`\n${f}`)),
      ...folders('src/model')
        .map((n) => `  ${n}/`)
        .filter((f) => !block.includes(`\n${f}`)),
    ];
    expect(missing).toEqual([]);
  });
});
