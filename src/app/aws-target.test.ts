import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AwsTargetError,
  applyAwsTarget,
  recordedTargetPath,
  recordTarget,
  resolveAwsTarget,
} from './aws-target.ts';

const home = mkdtempSync(join(tmpdir(), 'galspin-aws-target-'));
const empty = mkdtempSync(join(tmpdir(), 'galspin-aws-target-empty-'));
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

describe('resolveAwsTarget', () => {
  const recorded = {
    region: 'eu-west-2',
    bucket: 'galspin-dev-data',
    table: 'galspin-dev-results',
    endpoint: 'http://127.0.0.1:4566',
    classifyQueueUrl: 'http://127.0.0.1:4566/000000000000/galspin-dev-classify',
  };
  recordTarget(home, recorded);

  it('takes each setting from the flags, else the environment, else the home record', () => {
    expect(resolveAwsTarget({}, home, {})).toMatchObject(recorded);
    const env = { AWS_REGION: 'us-east-1', GALSPIN_TABLE: 'from-env' };
    expect(resolveAwsTarget({}, home, env)).toMatchObject({
      region: 'us-east-1',
      table: 'from-env',
      bucket: recorded.bucket,
    });
    expect(resolveAwsTarget({ table: 'from-flag', region: 'ap-south-1' }, home, env)).toMatchObject({
      region: 'ap-south-1',
      table: 'from-flag',
    });
  });

  it('names every missing setting in one line, and where the record would be', () => {
    const err = (() => {
      try {
        resolveAwsTarget({}, empty, { GALSPIN_BUCKET: 'b-only' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(AwsTargetError);
    expect(err?.message).toBe(
      `--aws: no region (--region or AWS_REGION), no table (--table or GALSPIN_TABLE); and ${recordedTargetPath(empty)} does not exist (galspin run --aws writes it)`,
    );
  });

  it('rejects a record that is not one, naming the file', () => {
    const bad = mkdtempSync(join(tmpdir(), 'galspin-aws-target-bad-'));
    writeFileSync(recordedTargetPath(bad), JSON.stringify({ bucket: 'x' }));
    expect(() => resolveAwsTarget({}, bad, {})).toThrow(
      `${recordedTargetPath(bad)}: not a galspin AWS record`,
    );
    rmSync(bad, { recursive: true, force: true });
  });

  it("sets what the SDK and the shells read; an emulator gets moto's dummy credentials", () => {
    const env: NodeJS.ProcessEnv = {};
    applyAwsTarget(resolveAwsTarget({}, home, {}), env);
    expect(env).toMatchObject({
      AWS_REGION: 'eu-west-2',
      GALSPIN_BUCKET: recorded.bucket,
      GALSPIN_TABLE: recorded.table,
      GALSPIN_CLASSIFY_QUEUE_URL: recorded.classifyQueueUrl,
      AWS_ENDPOINT_URL: recorded.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
    });
  });
});
