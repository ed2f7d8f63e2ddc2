/**
 * Every example in every `galspin <command> --help` runs, as printed, through a `galspin` on PATH
 * (the bin, compiled build) in a sandbox folder — with the repository's models/ and test/ linked in,
 * a small simulated survey, and the state of a small `galspin run` — and exits 0.
 *
 * Sizes are shrunk where an example would take minutes here (SHRINK: the option keeps its place,
 * only its value changes). Examples that need an AWS deployment are skipped, each with its reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Option values that make an example small enough here (the example's own value is in the comment). */
const SHRINK: Record<string, string> = {
  '--n': '24', // simulate --n 200..800 galaxies
  '--epochs': '2', // train 20..40, tune 27
  '--trials': '2', // tune 12
  '--max-minutes': '3', // tune 30
  '--permutations': '99', // moran 999
};

/** Examples not run, and why. */
const SKIP: [RegExp, string][] = [
  [
    /--aws|--ecs/,
    'needs an AWS deployment or an emulator at a fixed address (run --aws is tested in aws-run.test.ts)',
  ],
  [/^galspin run\s*(#|$)/, 'the 200-galaxy demo takes minutes here; the sandbox set-up runs it with --n 16'],
];

function helpOf(command: Command): string {
  let out = '';
  command.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  command.outputHelp();
  return out;
}

/** The example lines of a help text: after "Example(s):", each line that runs galspin. */
function examplesIn(help: string): string[] {
  const at = help.search(/^Examples?:/m);
  if (at < 0) return [];
  return help
    .slice(at)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => /(^|\| |^\S+=\S+ )galspin /.test(l));
}

/** The example with SHRINK's values and without its trailing comment. */
function shrink(example: string): string {
  let s = example.replace(/\s+#.*$/, '');
  for (const [opt, v] of Object.entries(SHRINK)) s = s.replace(new RegExp(`(${opt}) \\S+`, 'g'), `$1 ${v}`);
  return s;
}

const program = await buildProgram();
const ORDER = [
  'simulate',
  'inspect',
  'audit',
  'moran',
  'predict',
  'explain',
  'evaluate',
  'train',
  'tune',
  'run',
  'query',
  'report',
  'retrain',
  'redrive',
  'models',
];
const commands = [...program.commands].sort((a, b) => ORDER.indexOf(a.name()) - ORDER.indexOf(b.name()));
const leaves = commands.flatMap((c) => (c.commands.length > 0 ? c.commands : [c]));
const cases = leaves.flatMap((c) => examplesIn(helpOf(c)).map((e) => ({ command: c.name(), example: e })));

describe('help examples run as printed', () => {
  const box = mkdtempSync(join(tmpdir(), 'galspin-examples-'));
  const bin = join(box, '.bin');
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const sh = (line: string, timeout = 300_000) =>
    spawnSync('bash', ['-c', line], { cwd: box, env, encoding: 'utf8', timeout });

  beforeAll(() => {
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'galspin'),
      `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/galspin.mjs')}" "$@"\n`,
    );
    chmodSync(join(bin, 'galspin'), 0o755);
    // A copy: the train examples write models/mine beside the champion.
    cpSync(join(ROOT, 'models'), join(box, 'models'), { recursive: true });
    symlinkSync(join(ROOT, 'test'), join(box, 'test'));
    // What the examples assume exists: a survey, a catalogue of it, and the state of a run (.galspin).
    execFileSync('bash', ['-c', 'galspin simulate --out runs/survey --n 24 --seed 7'], { cwd: box, env });
    const velocity = readdirSync(join(box, 'runs/survey/fits')).filter((f) =>
      f.includes('_stellar-velocity_'),
    );
    writeFileSync(
      join(box, 'galaxies.csv'),
      `id_str,file_loc,comment\n${velocity.map((f) => `${f.split('_')[0]},runs/survey/fits/${f},"a note, with a comma"`).join('\n')}\n`,
    );
    const run = sh('galspin run --n 16 --mc-passes 2 --ig-steps 4 --no-report');
    if (run.status !== 0) throw new Error(`set-up run failed: ${run.stderr}`);
    // retrain --labels names a labels CSV in the bucket (catid,label): the run's own survey's labels.
    mkdirSync(join(box, '.galspin/bucket/labels'), { recursive: true });
    cpSync(join(box, '.galspin/demo-survey/catalogue.csv'), join(box, '.galspin/bucket/labels/run-1.csv'));
  }, 600_000);
  afterAll(() => rmSync(box, { recursive: true, force: true }));

  it('finds examples in every command', () => {
    for (const c of leaves) expect(examplesIn(helpOf(c)).length, c.name()).toBeGreaterThan(0);
  });

  it.each(cases)(
    '$command: $example',
    ({ example }) => {
      const skip = SKIP.find(([re]) => re.test(example));
      if (skip) {
        console.log(`skipped: ${example} (${skip[1]})`);
        return;
      }
      const line = shrink(example);
      const r = sh(line);
      expect(r.status, `${line}\n${r.stderr.slice(-2000)}`).toBe(0);
    },
    600_000,
  );
});
