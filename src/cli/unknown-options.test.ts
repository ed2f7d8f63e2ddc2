import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { findUnknownOption } from './unknown-options.ts';

function program() {
  const p = new Command('galspin').option('--verbose').addOption(new Option('--log-format <f>'));
  p.command('predict')
    .argument('<files...>')
    .requiredOption('--model <dir>')
    .option('--passes <n>')
    .option('--min <p>')
    .option('-q, --quiet')
    .option('--no-png');
  const models = p.command('models');
  models.command('push').argument('[dir]').option('--aws').option('--force');
  return p;
}

const unknownIn = (name: string, args: string[]) => {
  const p = program();
  const hit = findUnknownOption(p.commands.find((c) => c.name() === name) as Command, args, p.options);
  return hit && `${hit.command.name()} ${hit.option}`;
};

describe('findUnknownOption', () => {
  it('names a misspelt option even when a required one is then missing', () => {
    expect(unknownIn('predict', ['x.fits', '--modle', 'models'])).toBe('predict --modle');
    expect(unknownIn('predict', ['x.fits', '--modle=models'])).toBe('predict --modle');
    expect(unknownIn('predict', ['-x', 'x.fits'])).toBe('predict -x');
  });

  it('accepts known options, their values, negations, help, global options and negative numbers', () => {
    expect(
      unknownIn('predict', ['x.fits', '--model', '--weird-dir-name', '--passes=3', '--min', '-0.5', '-q']),
    ).toBeUndefined();
    expect(
      unknownIn('predict', ['x.fits', '--no-png', '--help', '--verbose', '--log-format', 'json']),
    ).toBeUndefined();
    expect(unknownIn('predict', ['--', '--not-an-option.fits'])).toBeUndefined();
  });

  it('follows nested subcommands', () => {
    expect(unknownIn('models', ['push', '--forse'])).toBe('push --forse');
    expect(unknownIn('models', ['push', 'dir', '--aws', '--force'])).toBeUndefined();
    expect(unknownIn('models', ['pusj', '--aws'])).toBeUndefined(); // commander names the unknown command
  });
});
