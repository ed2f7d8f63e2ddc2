/**
 * The README's command table names every command `galspin --help` lists (galspin issue 14: "the
 * README's command table matches the new commands"), down to the subcommands of a command group
 * such as `galspin models push`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first cell of each row of the table whose header is `| command | what it does |`. */
function commandCells(markdown: string): string[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\|\s*command\s*\|\s*what it does\s*\|/.test(l));
  if (header < 0) return [];
  const cells: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    cells.push(line.split(/(?<!\\)\|/)[1].trim());
  }
  return cells;
}

/** `galspin NAME`, or `galspin NAME SUB` for each subcommand of a group; `help` is commander's own. */
function invocations(program: Command): string[] {
  return program.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const subs = c.commands.filter((s) => s.name() !== 'help');
      return subs.length > 0 ? subs.map((s) => `galspin ${c.name()} ${s.name()}`) : [`galspin ${c.name()}`];
    });
}

describe("README's command table", () => {
  it('has a row for every command in galspin --help', async () => {
    const cells = commandCells(README);
    expect(cells.length).toBeGreaterThan(10);
    const wanted = invocations(await buildProgram());
    expect(wanted).toContain('galspin models push');
    const missing = wanted.filter((w) => !cells.some((cell) => new RegExp(`\`${w}(?=[\\s\`])`).test(cell)));
    expect(missing).toEqual([]);
  });
});
