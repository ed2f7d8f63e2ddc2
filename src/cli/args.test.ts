import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integer, positive, unitInterval } from './args.ts';

describe('option-argument parsers', () => {
  it('integer: accepts the bounds, names the option and the range when refusing', () => {
    expect(integer('--n', 0, 10)('0')).toBe(0);
    expect(integer('--n', 0, 10)('10')).toBe(10);
    expect(() => integer('--n', 0, 10)('11')).toThrow(
      new InvalidArgumentError('--n must be an integer in 0..10'),
    );
    expect(() => integer('--n', 1)('2.5')).toThrow(new InvalidArgumentError('--n must be an integer ≥ 1'));
    expect(() => integer('--n', 1)('x')).toThrow(InvalidArgumentError);
    expect(integer('--n', 1)('123456789')).toBe(123456789);
  });

  it('positive: finite and > 0', () => {
    expect(positive('--lr')('2e-4')).toBe(2e-4);
    for (const bad of ['0', '-1', 'Infinity', 'nan'])
      expect(() => positive('--lr')(bad)).toThrow('--lr must be a positive number');
  });

  it('unitInterval: [0, 1] inclusive', () => {
    expect(unitInterval('--min')('0')).toBe(0);
    expect(unitInterval('--min')('1')).toBe(1);
    expect(() => unitInterval('--min')('1.01')).toThrow('--min must be a number in [0, 1]');
  });
});
