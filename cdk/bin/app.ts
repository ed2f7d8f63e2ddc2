#!/usr/bin/env node
/** CDK entry (`cdk.json` → `npx tsx cdk/bin/app.ts`). */
import { buildApp } from '../lib/app.ts';
import { ContextError } from '../lib/context.ts';

try {
  buildApp().app.synth();
} catch (e) {
  if (e instanceof ContextError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
