/**
 * Writes the seeded FITS fuzz corpus to a folder, for astropy's verdicts:
 *
 *   npx tsx bench/faults/fits-corpus.ts DIR [--seed galspin-fits-1] [--count 3300]
 *   python3 bench/oracles/fits_fuzz_astropy.py DIR bench/oracles/fits_fuzz_oracle.json.gz
 *
 * The files are not kept: bench/faults/fits-mutate.ts regenerates the same bytes from (seed, id),
 * and the oracle stores each file's SHA-1 prefix so a changed mutator is noticed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixtures, mutateCase, shortSha } from './fits-mutate.ts';

export const DEFAULT_SEED = 'galspin-fits-1';
export const DEFAULT_COUNT = 3300;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const dir = process.argv[2];
if (!dir || dir.startsWith('--')) {
  console.error('usage: fits-corpus.ts DIR [--seed S] [--count N]');
  process.exit(2);
}
const seed = arg('--seed', DEFAULT_SEED);
const count = Number(arg('--count', String(DEFAULT_COUNT)));
mkdirSync(dir, { recursive: true });
const fixtures = loadFixtures();
const cases = [];
for (let id = 0; id < count; id++) {
  const m = mutateCase(fixtures, seed, id);
  const file = `${id}${m.gzip ? '.fits.gz' : '.fits'}`;
  writeFileSync(join(dir, file), m.bytes);
  cases.push({ id, file, sha: shortSha(m.bytes), fixture: m.fixture, recipe: m.recipe });
}
writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ seed, count, cases }));
console.log(`${count} files in ${dir} (seed ${seed})`);
