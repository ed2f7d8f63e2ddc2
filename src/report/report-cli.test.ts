import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { FIXTURE_DIR } from '../../test/support/report-fixtures.ts';
import { register } from '../cli/commands/report.ts';
import { main } from '../cli/main.ts';

describe('galspin report', () => {
  it('writes index.html and figures from the fixture model and results (exit 0)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'galspin-cli-report-'));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main([
      'node',
      'galspin',
      'report',
      '--model',
      join(FIXTURE_DIR, 'model'),
      '--results',
      FIXTURE_DIR,
      '--out',
      out,
    ]);
    const printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    stdout.mockRestore();
    expect(code).toBe(0);
    expect(printed).toBe(
      `${join(out, 'index.html')}: 12 figures, not drawn: unknown-gallery, lambda-epsilon\n`,
    );
    expect(existsSync(join(out, 'figures', 'attribution-panels.png'))).toBe(true);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<img src="figures/roc.png"');
  });

  it('exits 1 with one line naming a model folder without metrics.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-cli-empty-'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['node', 'galspin', 'report', '--model', dir, '--out', join(dir, 'out')]);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    stderr.mockRestore();
    expect(code).toBe(1);
    expect(printed).toBe(`galspin: ${join(dir, 'metrics.json')}: no metrics.json in the model folder\n`);
  });

  it('help fits on one screen and shows an example', () => {
    const program = new Command('galspin');
    register(program);
    const help = program.commands[0].helpInformation();
    let text = '';
    program.commands[0].configureOutput({ writeOut: (s) => (text += s) });
    program.commands[0].outputHelp();
    expect(text.split('\n').length).toBeLessThanOrEqual(30);
    expect(text).toContain('Examples:\n  galspin report --model');
    expect(help).toContain('--results <file|dir>');
  });
});

describe('galspin report usage', () => {
  it('exits 2 when neither --model nor --results names a model', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['node', 'galspin', 'report', '--out', join(tmpdir(), 'galspin-never')]);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    stderr.mockRestore();
    expect(code).toBe(2);
    expect(printed).toMatch(/^galspin: report: give --model DIR/);
  });
});
