import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs, pairInputs, parsePathList, SkipLog } from './inputs.ts';

const root = mkdtempSync(join(tmpdir(), 'galspin-inputs-'));
const V = (id: number) => `${id}_A_stellar-velocity_default_two-moment.fits`;
const D = (id: number) => `${id}_A_stellar-velocity-dispersion_default_two-moment.fits`;
mkdirSync(join(root, 'survey', 'sub'), { recursive: true });
for (const name of [V(2), D(2), V(1), 'notes.txt', 'sub/manga-7815-3702-MAPS.fits.gz', D(9)])
  writeFileSync(join(root, 'survey', name), '');

function logged() {
  const lines: string[] = [];
  return { log: new SkipLog((l) => lines.push(l)), lines };
}

describe('input expansion', () => {
  it('walks a folder recursively for FITS names only, sorted', async () => {
    const { log } = logged();
    const files = await expandInputs([join(root, 'survey')], { log });
    expect(files.map((f) => f.slice(root.length + 8))).toEqual([
      V(1),
      D(2),
      V(2),
      D(9),
      'sub/manga-7815-3702-MAPS.fits.gz',
    ]);
  });

  it('expands a quoted glob itself, reads @list and stdin lists, keeps order and drops repeats', async () => {
    const { log } = logged();
    const list = join(root, 'list.txt');
    writeFileSync(list, `# the survey\n${join(root, 'survey', V(1))}\n\n  ${join(root, 'survey', V(2))}  \n`);
    const files = await expandInputs([`${root}/survey/*_stellar-velocity_*.fits`, `@${list}`, '-'], {
      log,
      stdin: async () => `${join(root, 'survey', D(9))}\n`,
    });
    expect(files.map((f) => f.slice(root.length + 8))).toEqual([V(1), V(2), D(9)]);
  });

  it('a list of 1000 paths needs no argument list: one @list argument', async () => {
    const dir = join(root, 'many');
    mkdirSync(dir);
    const paths = Array.from({ length: 1000 }, (_, i) => join(dir, V(100000 + i)));
    for (const p of paths) writeFileSync(p, '');
    writeFileSync(join(root, 'many.txt'), paths.join('\n'));
    const { log } = logged();
    expect(await expandInputs([`@${join(root, 'many.txt')}`], { log })).toEqual(paths);
  });

  it('passes a missing path on, logs a glob without matches, and refuses when nothing is left', async () => {
    const { log, lines } = logged();
    const missing = join(root, 'nope.fits');
    expect(await expandInputs([missing, `${root}/*.nothing`], { log })).toEqual([missing]);
    expect(lines).toEqual([`galspin: ${root}/*.nothing: no file matches this pattern\n`]);
    await expect(expandInputs([`${root}/*.nothing`], { log })).rejects.toThrow(/no input files/);
    await expect(expandInputs([`@${join(root, 'absent.txt')}`], { log })).rejects.toThrow(
      /absent\.txt: cannot read the list of inputs \(ENOENT\)/,
    );
  });

  it('pairs a dispersion file given beside its velocity file, and names an orphan dispersion file', async () => {
    const { log, lines } = logged();
    const s = (n: string) => join(root, 'survey', n);
    const pairs = pairInputs([s(V(2)), s(D(9)), s(D(2)), s(V(1))], log);
    expect(pairs).toEqual([{ velocityFile: s(V(2)), dispersionFile: s(D(2)) }, { velocityFile: s(V(1)) }]);
    expect(lines).toEqual([
      `galspin: ${s(D(9))}: a stellar-velocity-dispersion product without its stellar-velocity file\n`,
    ]);
  });

  it('summarises skipped inputs in one closing line when more than one was skipped', () => {
    const { log, lines } = logged();
    log.skip('a.fits', 'not a map');
    expect(log.summarize(3)).toBe(1);
    log.skip('b.fits', 'truncated\nsecond line');
    expect(log.summarize(3)).toBe(2);
    expect(lines).toEqual([
      'galspin: a.fits: not a map\n',
      'galspin: b.fits: truncated\n',
      'galspin: skipped 2 of 3 inputs: a.fits, b.fits\n',
    ]);
    expect(parsePathList('a\r\n# c\n\n b \n')).toEqual(['a', 'b']);
  });
});
