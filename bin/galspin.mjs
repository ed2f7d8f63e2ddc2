#!/usr/bin/env node
// The CLI runs from TypeScript sources through tsx: one source of truth, no stale build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
