import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-index.ts';
import { buildProgram, invokedCommand } from '../../src/cli/main.ts';

/** The help text a user sees, including the examples added after the option list. */
function helpOf(command: Command): string {
  let out = '';
  command.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  command.outputHelp();
  return out;
}

const SCREEN_LINES = 50;
const program = await buildProgram();
const names = program.commands.map((c) => c.name());

describe('galspin help', () => {
  it('lists every subcommand of the issue, one line each, on one screen', () => {
    const help = helpOf(program);
    for (const name of [
      'inspect',
      'simulate',
      'train',
      'tune',
      'predict',
      'explain',
      'moran',
      'run',
      'query',
      'report',
      'redrive',
      'retrain',
    ]) {
      expect(names).toContain(name);
      expect(help.split('\n').filter((l) => l.trimStart().startsWith(`${name} `))).toHaveLength(1);
    }
    expect(help.split('\n').length).toBeLessThanOrEqual(SCREEN_LINES);
    expect(help).toMatch(/Examples?:\n\s+galspin /);
  });

  it('the command index names exactly the commands that register, each under its own name', async () => {
    expect(names).toEqual(COMMANDS.map((c) => c.name));
    for (const entry of COMMANDS) {
      const alone = await buildProgram([entry.name]);
      const loaded = alone.commands.filter((c) => c.options.length > 0 || c.commands.length > 0);
      expect(loaded.map((c) => c.name())).toEqual([entry.name]);
    }
  });

  it('finds the subcommand after global options, and in `help NAME`', () => {
    expect(invokedCommand(['--verbose', 'predict', 'x.fits'])).toBe('predict');
    expect(invokedCommand(['--log-format', 'json', 'run', '--aws'])).toBe('run');
    expect(invokedCommand(['help', 'query'])).toBe('query');
    expect(invokedCommand(['--help'])).toBeUndefined();
  });

  it.each(names)('%s --help fits on one screen and shows an example', (name) => {
    const command = program.commands.find((c) => c.name() === name) as Command;
    const help = helpOf(command);
    expect(help.split('\n').length).toBeLessThanOrEqual(SCREEN_LINES);
    expect(help).toMatch(new RegExp(`Examples?:[^]*\\n\\s+(\\S+=\\S+ )?galspin ${name}\\b`));
  });
});
