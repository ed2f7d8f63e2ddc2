/**
 * The paper's Keras callbacks as small pure state machines (Chegeni et al. 2025 code):
 * ModelCheckpoint on best validation accuracy, ReduceLROnPlateau and EarlyStopping on validation loss.
 * They see only validation numbers — never the test split.
 */

export interface EpochRecord {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  samplesPerSec: number;
  seconds: number;
}

/** Best epoch by validation accuracy; ties go to the lower validation loss (Keras keeps the first). */
export class BestCheckpoint {
  best: EpochRecord | undefined;
  /** True when `r` is the new best and its weights should be kept. */
  update(r: EpochRecord): boolean {
    const b = this.best;
    if (!b || r.valAcc > b.valAcc || (r.valAcc === b.valAcc && r.valLoss < b.valLoss)) {
      this.best = r;
      return true;
    }
    return false;
  }
}

/** Multiplies the learning rate by `factor` after `patience` epochs without a val-loss improvement. */
export class ReduceLrOnPlateau {
  private bestLoss = Number.POSITIVE_INFINITY;
  private wait = 0;
  constructor(
    readonly factor = 0.5,
    readonly patience = 5,
    readonly minLr = 1e-6,
    readonly minDelta = 1e-4,
  ) {}
  /** Returns the learning rate for the next epoch. */
  next(valLoss: number, lr: number): number {
    if (valLoss < this.bestLoss - this.minDelta) {
      this.bestLoss = valLoss;
      this.wait = 0;
      return lr;
    }
    if (++this.wait >= this.patience) {
      this.wait = 0;
      return Math.max(this.minLr, lr * this.factor);
    }
    return lr;
  }
}

/** Stops after `patience` epochs without a val-loss improvement (patience 15 in the paper's code). */
export class EarlyStopping {
  private bestLoss = Number.POSITIVE_INFINITY;
  private wait = 0;
  constructor(
    readonly patience = 15,
    readonly minDelta = 1e-4,
  ) {}
  /** True when training should stop now. */
  shouldStop(valLoss: number): boolean {
    if (valLoss < this.bestLoss - this.minDelta) {
      this.bestLoss = valLoss;
      this.wait = 0;
      return false;
    }
    return ++this.wait >= this.patience;
  }
}

export function historyCsv(history: readonly EpochRecord[]): string {
  const cols: (keyof EpochRecord)[] = [
    'epoch',
    'loss',
    'acc',
    'valLoss',
    'valAcc',
    'lr',
    'samplesPerSec',
    'seconds',
  ];
  return `${cols.join(',')}\n${history.map((r) => cols.map((c) => r[c]).join(',')).join('\n')}\n`;
}
