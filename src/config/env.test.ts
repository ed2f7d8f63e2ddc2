import { describe, expect, it } from 'vitest';
import { EnvError, PreprocessEnv, parseEnv, TrainEnv, WorkerEnv } from './env.ts';

const base = {
  GALSPIN_BUCKET: 'galspin-dev-bucket',
  GALSPIN_CLASSIFY_QUEUE_URL: 'http://127.0.0.1:4566/123456789012/galspin-dev-classify',
  GALSPIN_TABLE: 'galspin-dev-results',
};

/** The EnvError message for `env`, or undefined when it parses. */
function problem(schema: Parameters<typeof parseEnv>[0], env: Record<string, string>): string | undefined {
  try {
    parseEnv(schema, env);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
}

describe('the shells variables read through zod (formerly raw process.env)', () => {
  it('keeps the defaults the shells used before: wait 20 s, SQS-default visibility, run forever, champion TTL 10 s', () => {
    const env = parseEnv(WorkerEnv, base);
    expect(env.GALSPIN_WAIT_SECONDS).toBe(20);
    expect(env.GALSPIN_VISIBILITY_SECONDS).toBeUndefined();
    expect(env.GALSPIN_EXIT_WHEN_EMPTY).toBe('0');
    expect(env.GALSPIN_CHAMPION_TTL_MS).toBe(10_000);
    expect(parseEnv(TrainEnv, base).GALSPIN_TRAIN_FULL).toBe('1');
    expect(parseEnv(PreprocessEnv, base).GALSPIN_VERSION).toBe('galspin');
  });

  it('reads the values the container smoke and the ECS RunTask set', () => {
    const env = parseEnv(WorkerEnv, {
      ...base,
      GALSPIN_WAIT_SECONDS: '2',
      GALSPIN_VISIBILITY_SECONDS: '30',
      GALSPIN_EXIT_WHEN_EMPTY: '1',
      GALSPIN_CHAMPION_TTL_MS: '0',
    });
    expect(env).toMatchObject({
      GALSPIN_WAIT_SECONDS: 2,
      GALSPIN_VISIBILITY_SECONDS: 30,
      GALSPIN_EXIT_WHEN_EMPTY: '1',
      GALSPIN_CHAMPION_TTL_MS: 0,
    });
    expect(parseEnv(TrainEnv, { ...base, GALSPIN_TRAIN_FULL: '0' }).GALSPIN_TRAIN_FULL).toBe('0');
  });

  it('treats an empty GALSPIN_VISIBILITY_SECONDS as unset, as the shell did', () => {
    expect(
      parseEnv(WorkerEnv, { ...base, GALSPIN_VISIBILITY_SECONDS: '' }).GALSPIN_VISIBILITY_SECONDS,
    ).toBeUndefined();
  });

  it.each([
    ['GALSPIN_VISIBILITY_SECONDS', 'soon'],
    ['GALSPIN_VISIBILITY_SECONDS', '0'],
    ['GALSPIN_VISIBILITY_SECONDS', '43201'],
    ['GALSPIN_WAIT_SECONDS', '21'],
    ['GALSPIN_WAIT_SECONDS', '-1'],
    ['GALSPIN_CHAMPION_TTL_MS', '1.5'],
    ['GALSPIN_EXIT_WHEN_EMPTY', 'true'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    const message = problem(WorkerEnv, { ...base, [name]: value });
    expect(message).toMatch(new RegExp(`^invalid environment: ${name}: `));
    expect(message).not.toContain('\n');
  });

  it('rejects a GALSPIN_TRAIN_FULL that is not 0 or 1, and an empty GALSPIN_VERSION', () => {
    expect(problem(TrainEnv, { ...base, GALSPIN_TRAIN_FULL: 'yes' })).toMatch(
      /^invalid environment: GALSPIN_TRAIN_FULL: /,
    );
    expect(problem(PreprocessEnv, { ...base, GALSPIN_VERSION: '' })).toMatch(
      /^invalid environment: GALSPIN_VERSION: /,
    );
  });
});
