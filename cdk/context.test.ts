import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../src/config/index.ts';
import { ContextError, DEFAULT_RETRAIN_SCHEDULE, parseContext } from './lib/context.ts';

const from = (ctx: Record<string, unknown>) => parseContext((k) => ctx[k]);

describe('cdk context validation', () => {
  it('defaults to a dev deployment that scales to zero, weekly retraining, the paper thresholds', () => {
    const c = from({});
    expect(c).toMatchObject({
      environment: 'dev',
      instanceType: 'g4dn.xlarge',
      minTasks: 0,
      maxTasks: 4,
      retrainSchedule: DEFAULT_RETRAIN_SCHEDULE,
      thresholds: DEFAULT_THRESHOLDS,
      cpuOnly: false,
      retainData: false,
    });
    expect(c.alarmEmail).toBeUndefined();
  });

  it('decodes -c strings: numbers, booleans and JSON thresholds', () => {
    const c = from({
      environment: 'prod',
      maxTasks: '8',
      minTasks: '1',
      cpuOnly: 'true',
      thresholds: '{"fast":0.9,"slow":0.1}',
      instanceType: 'g5.xlarge',
    });
    expect(c).toMatchObject({
      maxTasks: 8,
      minTasks: 1,
      cpuOnly: true,
      thresholds: { fast: 0.9, slow: 0.1 },
    });
    expect(c.instanceType).toBe('g5.xlarge');
    // prod keeps its data unless told otherwise
    expect(c.retainData).toBe(true);
    expect(from({ environment: 'prod', retainData: 'false' }).retainData).toBe(false);
  });

  it.each([
    [{ instanceType: 'p3.2xlarge' }, 'instanceType'],
    [{ minTasks: 5, maxTasks: 2 }, 'minTasks'],
    [{ maxTasks: 0 }, 'maxTasks'],
    [{ retrainSchedule: '0 3 * * 0' }, 'retrainSchedule'],
    [{ thresholds: { fast: 0.2, slow: 0.8 } }, 'thresholds'],
    [{ thresholds: { fast: 1.5, slow: 0.1 } }, 'thresholds.fast'],
    [{ environment: 'Prod_1' }, 'environment'],
    [{ cpuOnly: 'yes' }, 'cpuOnly'],
    [{ alarmEmail: 'not-an-address' }, 'alarmEmail'],
  ])('rejects %j with one line naming %s', (ctx, key) => {
    let err: unknown;
    try {
      from(ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContextError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`(^|[ ;])${key.replace('.', '\\.')}:`));
  });

  it('accepts rate() schedules and an alarm address', () => {
    const c = from({ retrainSchedule: 'rate(7 days)', alarmEmail: 'ops@example.org' });
    expect(c.retrainSchedule).toBe('rate(7 days)');
    expect(c.alarmEmail).toBe('ops@example.org');
  });
});
