/**
 * The action table (cdk/lib/actions.ts) against the code: each role's entry is bundled by esbuild
 * (as `cdk synth` bundles the Lambdas), the repository files in its import graph are scanned for
 * the SDK commands they construct, and every command must be either granted by the role's rows or
 * listed as unreached with a reason. An adapter that gains a command fails here until the table
 * says which roles need it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { type AppRole, actionsOf, COMMAND_ACTIONS, ROLE_ACTIONS } from './lib/actions.ts';
import { REPO_ROOT } from './lib/paths.ts';

/** Repository files (not node_modules) that `entry` imports, transitively. */
async function importGraph(entry: string): Promise<string[]> {
  const out = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(out.metafile.inputs).filter((f) => !f.includes('node_modules'));
}

/** SDK commands (and lib-storage Uploads) constructed in `files`, with the files that do. */
function commandsIn(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(REPO_ROOT, f), 'utf8');
    for (const [, name] of text.matchAll(/\bnew\s+(\w+Command|Upload)\s*\(/g)) {
      if (name === 'Command') continue; // commander's CLI `Command`, not an SDK command
      found.set(name, [...(found.get(name) ?? []), f]);
    }
  }
  return found;
}

const roles = Object.keys(ROLE_ACTIONS) as AppRole[];

describe('action table vs the SDK commands each role’s code constructs', () => {
  it.each(roles)('%s: every command in its import graph is granted or declared unreached', async (role) => {
    const { entry, unreached } = ROLE_ACTIONS[role];
    const files = await importGraph(entry);
    expect(files).toContain(entry);
    const found = commandsIn(files);
    expect(found.size, `${entry} constructs no SDK command?`).toBeGreaterThan(0);
    const granted = new Set(actionsOf(role));
    const problems: string[] = [];
    for (const [command, where] of found) {
      const actions = COMMAND_ACTIONS[command];
      if (!actions) {
        problems.push(`${command} (${where.join(', ')}): not in COMMAND_ACTIONS`);
        continue;
      }
      if (command in unreached) continue;
      const missing = actions.filter((a) => !granted.has(a));
      if (missing.length)
        problems.push(
          `${command} (${where.join(', ')}) needs ${missing.join(', ')}: grant it or list it in unreached`,
        );
    }
    for (const command of Object.keys(unreached)) {
      if (!found.has(command)) problems.push(`unreached lists ${command}, which ${entry} no longer imports`);
    }
    expect(problems).toEqual([]);
  });

  it.each(roles)(
    '%s: every granted action is needed by a command it sends or by its platform',
    async (role) => {
      const { entry, unreached, grants } = ROLE_ACTIONS[role];
      const found = commandsIn(await importGraph(entry));
      const sent = new Set(
        [...found.keys()].filter((c) => !(c in unreached)).flatMap((c) => COMMAND_ACTIONS[c] ?? []),
      );
      // Rows marked "not the code" are the platform's (the Lambda event source mapping's poller).
      const platform = new Set(
        grants.filter((g) => g.why.startsWith('not the code')).flatMap((g) => g.actions),
      );
      const unused = actionsOf(role).filter((a) => !sent.has(a) && !platform.has(a));
      expect(unused).toEqual([]);
    },
  );

  it('gives every grant row a reason naming the code that needs it', () => {
    for (const role of roles) {
      for (const g of ROLE_ACTIONS[role].grants)
        expect(g.why.length, `${role} ${g.actions}`).toBeGreaterThan(20);
      for (const [c, why] of Object.entries(ROLE_ACTIONS[role].unreached))
        expect(why.length, `${role} ${c}`).toBeGreaterThan(10);
    }
  });
});
