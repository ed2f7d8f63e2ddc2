import { describe, expect, it } from 'vitest';
import {
  BestCheckpoint,
  EarlyStopping,
  type EpochRecord,
  historyCsv,
  ReduceLrOnPlateau,
} from './callbacks.ts';

const rec = (epoch: number, valAcc: number, valLoss: number): EpochRecord => ({
  epoch,
  loss: 0.5,
  acc: 0.8,
  valLoss,
  valAcc,
  lr: 2e-4,
  samplesPerSec: 100,
  seconds: 1,
});

describe('training callbacks', () => {
  it('checkpoint keeps the best validation accuracy, ties broken by lower loss', () => {
    const c = new BestCheckpoint();
    expect(c.update(rec(1, 0.8, 0.5))).toBe(true);
    expect(c.update(rec(2, 0.7, 0.1))).toBe(false);
    expect(c.update(rec(3, 0.8, 0.4))).toBe(true);
    expect(c.update(rec(4, 0.8, 0.45))).toBe(false);
    expect(c.best?.epoch).toBe(3);
  });

  it('halves the learning rate after `patience` flat epochs, not below minLr', () => {
    const r = new ReduceLrOnPlateau(0.5, 2, 1e-4);
    let lr = 4e-4;
    const seq = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84];
    const lrs = seq.map((l) => {
      lr = r.next(l, lr);
      return lr;
    });
    expect(lrs).toEqual([4e-4, 4e-4, 4e-4, 2e-4, 2e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4]);
  });

  it('stops after `patience` epochs without improvement', () => {
    const e = new EarlyStopping(3);
    expect([1, 0.9, 0.91, 0.92, 0.89, 0.95, 0.95].map((l) => e.shouldStop(l))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(e.shouldStop(0.95)).toBe(true);
  });

  it('writes history as CSV', () => {
    expect(historyCsv([rec(1, 0.8, 0.5)])).toBe(
      'epoch,loss,acc,valLoss,valAcc,lr,samplesPerSec,seconds\n1,0.5,0.8,0.5,0.8,0.0002,100,1\n',
    );
  });
});
