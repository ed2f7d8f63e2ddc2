/**
 * Finds the first option a command does not know, before commander parses. Commander checks
 * required options before unknown ones, so `predict x.fits --modle m` said "required option
 * '--model' not specified" instead of naming the typo.
 */
import type { Command, Option } from 'commander';

const HELP_FLAGS = new Set(['-h', '--help']);

function flagsOf(options: readonly Option[]): Map<string, Option> {
  const m = new Map<string, Option>();
  for (const o of options) {
    if (o.long) m.set(o.long, o);
    if (o.short) m.set(o.short, o);
  }
  return m;
}

/**
 * The leaf command `args` run (following nested subcommands such as `models push`) and the first
 * token there that looks like an option it does not define; undefined when every option is known.
 * `inherited` are the program's own options (commander accepts them anywhere on the line).
 */
export function findUnknownOption(
  command: Command,
  args: readonly string[],
  inherited: readonly Option[] = [],
): { command: Command; option: string } | undefined {
  const known = flagsOf([...command.options, ...inherited]);
  const allowsUnknown = (command as unknown as { _allowUnknownOption?: boolean })._allowUnknownOption;
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (token === '--') return undefined;
    // Operands, and negative numbers given as values or operands.
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      const sub = command.commands.find((c) => c.name() === token || c.aliases().includes(token));
      if (sub) return findUnknownOption(sub, args.slice(i + 1), inherited);
      if (command.commands.length > 0) return undefined; // commander reports the unknown command
      continue;
    }
    const name = token.startsWith('--') ? token.split('=')[0] : token.slice(0, 2);
    if (HELP_FLAGS.has(name)) continue;
    const option = known.get(name);
    if (!option) {
      if (allowsUnknown) continue;
      return { command, option: name };
    }
    // Skip the option's value when it is the next token (`--model dir`, not `--model=dir`, `-nvalue`).
    const attached = token.startsWith('--') ? token.includes('=') : token.length > 2;
    const next = args[i + 1];
    if (!attached && next !== undefined && (option.required || (option.optional && !next.startsWith('-'))))
      i++;
  }
  return undefined;
}
