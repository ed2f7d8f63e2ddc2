/**
 * Start-up time of the CLI as a user meets it: wall time of `galspin --help` and
 * `galspin predict --help`, each run N times in a fresh process, through
 *
 * - the bin (bin/galspin.mjs: the compiled build in dist/, subcommands loaded on use), and
 * - the old route, the TypeScript sources through tsx with every command loaded (its peer), and
 * - bare `node -e 0`, the floor on this machine (its load shows here first).
 *
 * Prints min / median / max in seconds and the peer ratio (tsx median / bin median).
 *   npm run bench:startup            # N = 10
 *   npm run bench:startup -- 20
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCli, buildStatus } from '../scripts/build.mjs';

const ROOT = join(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 10);

// The pre-build route: tsx compiling src/cli/main.ts and loading every subcommand, as the bin did.
const TSX_ROUTE = `
import { register } from 'tsx/esm/api';
register();
const { buildProgram } = await import('./src/cli/main.ts');
const program = await buildProgram();
program.exitOverride();
try { await program.parseAsync(process.argv); } catch {}
`;

function wall(cmd: string, args: string[]): number {
  for (;;) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
    const s = (performance.now() - t) / 1000;
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 300)}`);
    // A source saved meanwhile makes the bin rebuild first (it says so): time a start, not a build.
    if (!r.stderr.includes('rebuilt dist/')) return s;
  }
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

const f = (x: number) => x.toFixed(3).padStart(7);

if (!buildStatus().ok) await buildCli({ quiet: true });
const routes: [string, (help: string[]) => [string, string[]]][] = [
  ['node -e 0 (floor)', () => [process.execPath, ['-e', '0']]],
  ['bin (dist/)', (h) => [process.execPath, ['bin/galspin.mjs', ...h]]],
  ['tsx (sources)', (h) => [process.execPath, ['--input-type=module', '-e', TSX_ROUTE, 'galspin', ...h]]],
];
console.log(`galspin start-up, ${N} runs each (seconds; wall time of a fresh process)`);
console.log(
  `${'command'.padEnd(23)}${'route'.padEnd(20)}${'min'.padStart(7)}${'median'.padStart(8)}${'max'.padStart(7)}`,
);
for (const help of [['--help'], ['predict', '--help']]) {
  const medians: Record<string, number> = {};
  for (const [name, cmd] of routes) {
    const [c, a] = cmd(help);
    wall(c, a); // warm the file cache
    const t = stats(Array.from({ length: N }, () => wall(c, a)));
    medians[name] = t.median;
    console.log(
      `${`galspin ${help.join(' ')}`.padEnd(23)}${name.padEnd(20)}${f(t.min)} ${f(t.median)}${f(t.max)}`,
    );
  }
  const ratio = medians['tsx (sources)'] / medians['bin (dist/)'];
  console.log(
    `${''.padEnd(23)}peer ratio tsx/bin = ${ratio.toFixed(1)}×; bin − floor = ${(medians['bin (dist/)'] - medians['node -e 0 (floor)']).toFixed(3)} s`,
  );
}
