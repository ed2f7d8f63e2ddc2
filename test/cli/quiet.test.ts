/**
 * A model command run as a user runs it (the bin, compiled build, libtensorflow on this CPU machine)
 * writes nothing on stderr but its own messages: no absl/oneDNN notices, no backend line.
 */
import { describe, expect, it } from 'vitest';
import { spawnGalspin } from '../support/run-cli.ts';

const SAMI = 'test/fixtures/fits/105420_stellar-velocity_default_two-moment.fits';
const NOISE = /absl|oneDNN|tensorflow|I0000|cpu_feature_guard|backend/i;

describe('quiet by default', () => {
  it('predict: stdout has the row, stderr nothing; --verbose shows the backend and TensorFlow lines', () => {
    const verbose = spawnGalspin(['predict', SAMI, '--model', 'models', '--passes', '0', '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.err).toMatch(/TensorFlow\.js backend (\S+)/);
    const backend = /TensorFlow\.js backend (\S+)/.exec(verbose.err)?.[1];
    // With the native backend, libtensorflow's own notices are there to be filtered.
    if (backend === 'tensorflow') expect(verbose.err).toMatch(/oneDNN|absl/);

    const quiet = spawnGalspin(['predict', SAMI, '--model', 'models', '--passes', '0']);
    expect(quiet.code).toBe(0);
    expect(quiet.out).toContain('105420');
    expect(quiet.out).toBe(verbose.out);
    expect(quiet.err.split('\n').filter((l) => NOISE.test(l))).toEqual([]);
    expect(quiet.err).toBe('');
  });

  it('a bad input still gets its one line through the filtered child, with exit 1', () => {
    const r = spawnGalspin(['predict', 'test/fixtures/fits/nope.fits', '--model', 'models']);
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^galspin: .*nope\.fits/);
  });
});
