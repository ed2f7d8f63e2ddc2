import { describe, expect, it } from 'vitest';
import { synthGalspin } from '../test/support/cdk-synth.ts';

/**
 * Asset hashes change with every edit to a Lambda, a task or the Dockerfile; they are replaced so
 * that the snapshot diff shows infrastructure changes only.
 */
function normaliseTemplate(json: unknown): string {
  return JSON.stringify(json, null, 2).replace(/[0-9a-f]{64}/g, '<asset-hash>') + '\n';
}

const { json } = synthGalspin();

describe('synthesized template snapshot', () => {
  it('matches the reviewed template of the default (dev, GPU) deployment', async () => {
    const text = normaliseTemplate(json);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    await expect(text).toMatchFileSnapshot('./__snapshots__/Galspin-dev.template.json');
  });
});
