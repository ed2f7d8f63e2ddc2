#!/usr/bin/env node
/**
 * Renders the README's Architecture block from scripts/layers.cjs (the same list the layer rules
 * are built from): `node scripts/architecture.mjs` prints it, `--write` replaces the block between
 * the README's architecture markers. test/architecture/readme.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { LAYERS } = createRequire(import.meta.url)('./layers.cjs');
export const START = '<!-- architecture:start (scripts/architecture.mjs) -->';
export const END = '<!-- architecture:end -->';

/** The block: one line per room, layers top to bottom, a rule between layers. */
export function renderArchitecture() {
  const width = Math.max(...LAYERS.flatMap((l) => l.rooms.map(([p]) => p.length))) + 2;
  const lines = [];
  LAYERS.forEach((layer, i) => {
    if (i > 0) lines.push(`${''.padEnd(width)}↓`);
    for (const [path, what] of layer.rooms) lines.push(`${path.padEnd(width)}${what}`.trimEnd());
  });
  return `${START}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n\n${END}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const block = renderArchitecture();
  if (process.argv.includes('--write')) {
    const file = join(ROOT, 'README.md');
    const readme = readFileSync(file, 'utf8');
    const a = readme.indexOf(START);
    const b = readme.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${file}: no architecture markers`);
    writeFileSync(file, readme.slice(0, a) + block + readme.slice(b + END.length));
  } else {
    process.stdout.write(`${block}\n`);
  }
}
