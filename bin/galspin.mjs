#!/usr/bin/env node
// The CLI runs from the JavaScript build in dist/ (scripts/build.mjs; `npm start`, `npm test` and
// the bootstrap build it). A missing build, or one older than any of its sources, is rebuilt first,
// with one line saying so: stale code never runs silently.
import { buildCli, buildStatus } from '../scripts/build.mjs';

let status = buildStatus();
if (!status.ok) {
  const why = status.why;
  const started = performance.now();
  try {
    status = await buildCli({ quiet: true });
  } catch (err) {
    process.stderr.write(`galspin: ${why}, and rebuilding dist/ failed: ${err.message.split('\n')[0]}\n`);
    process.exit(1);
  }
  const s = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`galspin: ${why}: rebuilt dist/ in ${s} s\n`);
}

const { main } = await import(status.entry);
process.exitCode = await main(process.argv, { quietNative: true });
